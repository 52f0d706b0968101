// SWITCHYARD_DATABASE_URL: one host or libpq's multi-host form, passed on unchanged; a
// malformed one names the variable without its password.

import Switchyard
import Testing

@Suite struct DatabaseURLTests {
    @Test func oneHostSeveralHostsIPv6AndAHostParameterAreAcceptedUnchanged() throws {
        for url in [
            "postgresql://switchyard@127.0.0.1:5440/switchyard",
            "postgres://app:pw@db-1.internal:5432,db-2.internal:5432,db-3.internal/app?target_session_attrs=read-write",
            "postgresql://app@[::1]:5432,[fd00::2]/app",
            "postgresql:///app?host=/var/run/postgresql",
            "postgresql://db-1,db-2/app",
        ] {
            #expect(try SwitchyardConfiguration(environment: ["SWITCHYARD_DATABASE_URL": url]).databaseURL == url)
        }
    }

    @Test func aMalformedHostListNamesTheVariableAndTheProblemWithoutThePassword() {
        for (url, problem) in [
            ("postgresql://app:s3cret@db-1:5432,db-2:99999/app", "port 1-65535"),
            ("postgresql://app:s3cret@db-1,,db-2/app", "host name or address"),
            ("postgresql://app:s3cret@/app", "expected a host"),
            ("postgresql://app:s3cret@[::1:5432/app", "closing ']'"),
            ("mysql://app:s3cret@db-1/app", "expected postgresql://"),
            ("postgresql://app:s3cret@db 1/app", "not a host name"),
        ] {
            #expect {
                try SwitchyardConfiguration(environment: ["SWITCHYARD_DATABASE_URL": url])
            } throws: { error in
                let text = "\(error)"
                return text.contains("SWITCHYARD_DATABASE_URL") && text.contains(problem) && !text.contains("s3cret")
            }
        }
    }
}
