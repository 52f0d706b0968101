// `switchyard workflows validate FILE`: the API's validation, offline, for tenants' CI.

import Foundation
import SwitchyardTestSupport
import Testing

struct WorkflowsCommandTests {
    func validate(_ json: String, _ extra: [String] = []) throws -> ProcessOutcome {
        let file = FileManager.default.temporaryDirectory.appending(path: TestEnvironment.uniqueName("workflow") + ".json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try SwitchyardProcess.run(["workflows", "validate", file.path] + extra)
    }

    @Test func aValidDefinitionExitsZero() throws {
        let outcome = try validate(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo","next_step":"b"},"b":{"transformer_id":"map"}}}"#)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("valid, 2 steps from 'a'"))
    }

    @Test func problemsExitTwoWithTheAPIsPointersOneLineEach() throws {
        let body = #"{"name":"x","definition":{"start_step":"a","steps":{"a":{"transformer_id":"crm","input_map":{"u":"$[?"}}}}}"#
        let outcome = try validate(body)
        #expect(outcome.status == 2)
        let lines = outcome.standardError.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(outcome.standardError)")
        #expect(lines.contains { $0.hasPrefix("switchyard: error: /definition/steps/a/transformer_id: unknown transformer 'crm'") })
        #expect(lines.contains { $0.hasPrefix("switchyard: error: /definition/steps/a/input_map/u: invalid JSONPath \"$[?\": at 3") })
        let declared = try validate(body, ["--transformer", "crm"])
        #expect(declared.status == 2 && declared.standardError.split(separator: "\n").count == 1, "--transformer declares a configured one")
    }

    @Test func aFileThatIsNotJSONExitsTwoWithOneLine() throws {
        let outcome = try validate("{nope")
        #expect(outcome.status == 2 && outcome.standardError.split(separator: "\n").count == 1)
        #expect(outcome.standardError.contains("is not JSON"))
        let missing = try SwitchyardProcess.run(["workflows", "validate", "/no/such/file.json"])
        #expect(missing.status == 2 && missing.standardError.contains("cannot read the definition: /no/such/file.json: no such file"))
    }

    /// Found by fuzzing: problems quoted names and values raw, so a newline split a problem over
    /// two lines, an escape sequence reached the terminal, and a long name made a 5,000-character
    /// line.
    @Test func eachProblemIsOnePrintableBoundedLineWhateverItQuotes() throws {
        let long = String(repeating: "x", count: 5_000)
        let outcome = try validate(#"{"start_step":"a\u001b[31m","steps":{"a":{"transformer_id":"ec\nho"},"x\ny":1,"\#(long)":2}}"#)
        #expect(outcome.status == 2)
        let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        // The transformer, the start step, "x\ny" and the long name (twice: not a step, and
        // too long for a step id).
        #expect(lines.count == 5, "one line per problem: \(outcome.standardError.prefix(2_000))")
        for line in lines {
            #expect(line.hasPrefix("switchyard: error: /"), "\(line.prefix(200))")
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(line.prefix(200))")
            #expect(line.count <= 1_000, "\(line.count) characters")
        }
        #expect(lines.contains { $0.hasPrefix("switchyard: error: /steps/x y: expected a step") }, "a newline is a space")
        #expect(lines.contains { $0.hasSuffix("/start_step: names no step: 'a\\u{1B}[31m'") }, "an escape is written out")
    }
}
