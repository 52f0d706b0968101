import Foundation
import SwitchyardTestSupport
import Testing

/// The test helper that runs programs reads their stdout and stderr at the same time.
@Suite struct SwitchyardProcessTests {
    /// A child that writes far more to stderr than a pipe holds (64 KiB) before it writes to
    /// stdout: reading the pipes one after the other would deadlock here.
    @Test(.timeLimit(.minutes(1))) func aChildWritingMegabytesToStderrIsReadToTheEnd() throws {
        let outcome = try SwitchyardProcess.run(
            executable: URL(filePath: "/bin/sh"), ["-c", "head -c 2000000 /dev/zero | tr '\\0' e >&2; echo done"])
        #expect(outcome.status == 0)
        #expect(outcome.standardError.utf8.count == 2_000_000)
        #expect(outcome.standardOutput == "done\n")
    }
}
