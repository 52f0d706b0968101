import Foundation
import Switchyard
import SwitchyardCore
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// No password or secret parameter reaches a message: URLs that parse, URLs that don't, and
/// libpq's own errors, which quote what they couldn't parse.
@Suite struct RedactionTests {
    @Test func aURLThatParsesKeepsAllButItsPassword() {
        #expect(Redaction.url("postgresql://app:s3cret@db:5432/app") == "postgresql://app:***@db:5432/app")
        #expect(Redaction.url("amqp://guest:guest@127.0.0.1:5680/%2F") == "amqp://guest:***@127.0.0.1:5680/%2F")
        #expect(Redaction.url("https://api.example.com/v1") == "https://api.example.com/v1")
        #expect(Redaction.url("postgresql://app@db/app?sslmode=require&password=s3cret")
            == "postgresql://app@db/app?sslmode=require&password=***")
        #expect(Redaction.url("https://files.example/t.json?X-Amz-Signature=abc123&x=1") == "https://files.example/t.json?X-Amz-Signature=***&x=1")
    }

    @Test func aURLThatDoesNotParseLosesEverythingBetweenTheSlashesAndTheAt() {
        #expect(Redaction.url("postgresql://user:s3cret@[bad") == "postgresql://***@[bad")
        #expect(Redaction.url("postgresql://user:s3cret@h1:5432,h2:5432/db") == "postgresql://***@h1:5432,h2:5432/db")
        #expect(!Redaction.url("amqp://u:p@ss word@host/").contains("ss word"), "\(Redaction.url("amqp://u:p@ss word@host/"))")
        #expect(Redaction.url("host=db password=s3cret port=5432") == "host=db password=*** port=5432")
        #expect(Redaction.url("host=db password='s3 cret' port=5432") == "host=db password=*** port=5432")
        #expect(Redaction.url("not a url at all") == "not a url at all")
    }

    @Test func secretParametersAreFoundWhereverTheyAreAndOnlyThere() {
        #expect(Redaction.url("a=1&token = t0k&x=2 api_key='k 1' authority") == "a=1&token=***&x=2 api_key=*** authority")
        #expect(Redaction.url("password='unterminated") == "password=***'unterminated")
        #expect(Redaction.url("passwordless host=db") == "passwordless host=db")
        #expect(Redaction.url("key=1=2 x=key") == "key=*** x=key")
    }

    /// Values are shown in errors whatever their length: redacting one takes time linear in it
    /// (a regular expression that backtracked took a minute on 10,000 characters and stalled
    /// `switchyard ingress` at start for hours on 100,000).
    @Test(.timeLimit(.minutes(1))) func aHugeValueIsRedactedWithoutStalling() throws {
        let huge = String(repeating: "x", count: 1_000_000)
        #expect(Redaction.url(huge) == huge)
        #expect(Redaction.url("host=db password=" + huge).hasSuffix("password=***"))
        for variable in ["SWITCHYARD_AMQP_URL", "SWITCHYARD_DATABASE_URL"] {
            let error = #expect(throws: ConfigurationError.self) {
                try SwitchyardConfiguration(environment: [variable: String(huge.prefix(100_000))])
            }
            #expect(error?.variable == variable)
        }
    }

    @Test func configurationErrorsShowNoPassword() {
        for (variable, url) in [
            ("SWITCHYARD_DATABASE_URL", "postgresql://user:s3cret@[bad"),
            ("SWITCHYARD_AMQP_URL", "amqp://user:s3cret@[bad"),
            ("SWITCHYARD_RABBITMQ_MANAGEMENT_URL", "http://user:s3cret@[bad"),
            ("SWITCHYARD_RABBITMQ_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15691,http://user:s3cret@[bad"),
        ] {
            #expect {
                try SwitchyardConfiguration(environment: [variable: url])
            } throws: { error in
                let text = "\(error)"
                return text.contains(variable) && !text.contains("s3cret") && text.contains("//***@[bad")
            }
        }
    }

    @Test func libpqErrorsThatQuoteTheURLShowNoPassword() async {
        for url in [
            "postgresql://user:s3cret@[bad",
            "postgresql://user:s3%ZZcret@127.0.0.1:5440/db",
            "postgresql://user@127.0.0.1:5440/db?password=s3cret&bogus=1",
            "host=127.0.0.1 password=s3cret dbname",
        ] {
            do {
                let connection = try await PostgresConnection.connect(url: url)
                await connection.close()
                Issue.record("\(url) connected")
            } catch {
                #expect(!"\(error)".contains("s3"), "\(error)")
                #expect("\(error)".contains("connectionFailed"), "\(error)")
            }
        }
    }

    @Test func theCommandLineShowsNoPasswordOfABadURL() throws {
        let database = try SwitchyardProcess.run(["migrate"], environment: ["SWITCHYARD_DATABASE_URL": "postgresql://user:s3cret@[bad"])
        #expect(database.status == 2 && !database.standardError.contains("s3cret"), "\(database.standardError)")
        #expect(database.standardError.contains("postgresql://***@[bad"), "\(database.standardError)")
        let broker = try SwitchyardProcess.run(["topology", "apply"], environment: ["SWITCHYARD_AMQP_URL": "amqp://user:s3cret@[bad"])
        #expect(broker.status == 2 && !broker.standardError.contains("s3cret"), "\(broker.standardError)")
    }
}
