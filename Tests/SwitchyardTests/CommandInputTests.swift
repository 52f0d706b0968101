// What the commands do with input files that never end, folders, missing files, and error
// messages that would quote control characters or a megabyte of a value.

import Foundation
import SwitchyardTestSupport
import Testing

/// Every command that reads a file (or standard input) reads at most its limit: `/dev/zero` or
/// an endless pipe is refused with exit 2 and one line, where it used to fill memory until the
/// process died. Error lines are printable and bounded whatever they quote.
@Suite(.timeLimit(.minutes(1))) struct CommandInputTests {
    /// The commands that read a file, each with the file's place in its command line.
    static let readers: [(name: String, arguments: @Sendable (String) -> [String])] = [
        ("jsonpath", { ["jsonpath", "$", $0] }),
        ("workflows validate", { ["workflows", "validate", $0] }),
        ("publish --data @", { ["publish", "probe.run", "--data", "@" + $0] }),
    ]

    /// Runs `switchyard ARGUMENTS` with standard input from `/dev/zero`.
    static func runOnEndlessInput(_ arguments: [String]) throws -> ProcessOutcome {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try SwitchyardProcess.run(
            executable: URL(filePath: "/bin/sh"), ["-c", "exec \"$0\" \(quoted) < /dev/zero", SwitchyardProcess.executable.path])
    }

    /// The one line a refusal prints, after checking that there is exactly one and exit 2.
    static func refusal(_ outcome: ProcessOutcome, _ command: String) -> String {
        #expect(outcome.status == 2, "\(command): exit \(outcome.status): \(outcome.standardError.prefix(300))")
        #expect(outcome.standardOutput.isEmpty, "\(command)")
        let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "\(command): \(outcome.standardError.prefix(300))")
        return String(lines.first ?? "")
    }

    @Test func aFileThatNeverEndsIsRefusedAtTheLimit() throws {
        for reader in Self.readers {
            let line = Self.refusal(try SwitchyardProcess.run(reader.arguments("/dev/zero")), reader.name)
            #expect(line.contains("/dev/zero: holds more than ") && line.contains(" bytes, the most accepted here"), "\(reader.name): \(line)")
        }
    }

    @Test func standardInputThatNeverEndsIsRefusedAtTheLimit() throws {
        for reader in Self.readers {
            let line = Self.refusal(try Self.runOnEndlessInput(reader.arguments("-")), reader.name)
            #expect(line.contains("standard input: holds more than "), "\(reader.name): \(line)")
        }
    }

    @Test func aFolderOrAMissingFileIsNamedWithTheReason() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let missing = "/nonexistent/\(TestEnvironment.uniqueName("input")).json"
        for reader in Self.readers {
            let folderLine = Self.refusal(try SwitchyardProcess.run(reader.arguments(folder)), reader.name)
            #expect(folderLine.contains("\(folder): is a folder, not a file"), "\(reader.name): \(folderLine)")
            let missingLine = Self.refusal(try SwitchyardProcess.run(reader.arguments(missing)), reader.name)
            #expect(missingLine.contains("\(missing): no such file"), "\(reader.name): \(missingLine)")
        }
    }

    @Test func aTopologyFileThatNeverEndsOrIsAFolderIsNamed() throws {
        for (path, reason) in [("/dev/zero", "holds more than "), ("/tmp", "is a folder, not a file")] {
            let line = Self.refusal(try SwitchyardProcess.run(["topology", "export", "--file", path]), path)
            #expect(line.hasPrefix("switchyard: error: --file: cannot read the topology file \(path): \(reason)"), "\(line)")
        }
    }

    @Test func anErrorQuotingControlCharactersOrAHugeValueStaysOnePrintableBoundedLine() throws {
        let value = "\u{1B}[2J\u{7}" + String(repeating: "9", count: 100_000)
        let outcome = try SwitchyardProcess.run(["ingress"], environment: ["SWITCHYARD_HTTP_PORT": value])
        let line = Self.refusal(outcome, "ingress")
        #expect(line.hasPrefix("switchyard: error: SWITCHYARD_HTTP_PORT: expected an integer in 1...65535, got '\\u{1B}[2J\\u{07}999"))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(line.count < 1_100 && line.hasSuffix(" characters in all)"), "\(line.count) characters")
    }
}
