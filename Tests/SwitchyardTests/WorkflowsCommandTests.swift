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
}
