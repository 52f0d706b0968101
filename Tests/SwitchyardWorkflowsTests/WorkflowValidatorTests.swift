// Definition validation: every problem named by its JSON Pointer into the request.

import Foundation
import SwitchyardCore
import SwitchyardJSONPath
import SwitchyardWorkflows
import Testing

struct WorkflowValidatorTests {
    let validator = WorkflowValidator { TransformerType(rawValue: $0) != nil || $0 == "crm-fetch" }

    func problems(_ text: String) throws -> [String] {
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        switch validator.validate(json, at: JSONPointer.root.appending("definition")) {
        case .success: return []
        case .failure(let problems): return problems.map(\.description)
        }
    }

    @Test func theSeedsExampleIsValidWithAConfiguredTransformer() throws {
        let json = try JSONDecoder().decode(JSONValue.self, from: Data("""
            {"start_step": "fetch",
             "steps": {
               "fetch": {"transformer_id": "crm-fetch", "input_map": {"url": "$.job_input.url"},
                         "retry": {"max_retries": 3, "backoff_seconds": 1, "max_backoff_seconds": 60}, "next_step": "score"},
               "score": {"transformer_id": "map", "input_map": {"items": "$.fetch.output.items[?@.price < 10]"},
                         "branches": [{"when": "$.score.output.items[0]", "next_step": "notify"}], "next_step": null},
               "notify": {"transformer_id": "llm", "input_map": {"prompt": "$.job_input.prompt"}, "next_step": null}
             },
             "output_map": {"cheap": "$.score.output.items", "note": "$.notify.output.text"}}
            """.utf8))
        guard case .success(let definition) = validator.validate(json) else {
            Issue.record("the seed's example is valid")
            return
        }
        #expect(definition.startStep == "fetch")
        #expect(definition.steps["fetch"]?.retry == WorkflowDefinition.RetryPolicy(maxRetries: 3, backoffSeconds: 1, maxBackoffSeconds: 60))
        #expect(definition.steps["score"]?.branches.first?.nextStep == "notify")
        #expect(definition.steps["score"]?.nextStep == nil)
        #expect(definition.outputMap?.keys.sorted() == ["cheap", "note"])
    }

    @Test func eachProblemNamesItsPointer() throws {
        #expect(try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"teleport"}}}"#)
            == ["/definition/steps/a/transformer_id: unknown transformer 'teleport': not a built-in type (echo, map, http, llm, transcribe, delay) nor one of yours"])
        #expect(try problems(#"{"start_step":"nowhere","steps":{"a":{"transformer_id":"echo"}}}"#)
            == ["/definition/start_step: names no step: 'nowhere'"])
        #expect(try problems(#"{"steps":{"a":{"transformer_id":"echo"}}}"#)
            == ["/definition/start_step: expected the id of the first step, got nothing"])
        #expect(try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo","next_step":"b"}}}"#)
            == ["/definition/steps/a/next_step: names no step: 'b'"])
        #expect(try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo"},"b":{"transformer_id":"echo"}}}"#)
            == ["/definition/steps/b: unreachable: no path from start_step 'a' leads here"])
        #expect(try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo","next_step":"b"},"b":{"transformer_id":"echo","next_step":"a"}}}"#)
            == ["/definition/steps/b/next_step: a cycle: a → b → a (a job runs each step at most once)"])
        #expect(try problems(#"{"start_step":"job_input","steps":{"job_input":{"transformer_id":"echo"}}}"#)
            == ["/definition/steps/job_input: a step may not be called job_input (the job's input is $.job_input)"])
        #expect(try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo","retry":{"max_retries":-1,"backoff_seconds":5,"max_backoff_seconds":2}}}}"#)
            == [
                "/definition/steps/a/retry/max_retries: expected a number in 0...20, got -1",
                "/definition/steps/a/retry/max_backoff_seconds: must not be less than backoff_seconds (5.0)",
            ])
        #expect(try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo","colour":"red"}},"extra":1}"#)
            == [
                "/definition/extra: unknown field; a definition has start_step, steps and output_map",
                "/definition/steps/a/colour: unknown field; a step has transformer_id, input_map, retry, branches, next_step, description",
            ])
    }

    @Test func anInvalidJSONPathIsNamedWithItsPosition() throws {
        let found = try problems(#"{"start_step":"score","steps":{"score":{"transformer_id":"map","input_map":{"items":"$.fetch.output.items[?@.price <]"}}}}"#)
        #expect(found.count == 1)
        let problem = try #require(found.first)
        #expect(problem.hasPrefix(#"/definition/steps/score/input_map/items: invalid JSONPath "$.fetch.output.items[?@.price <]": at 31: expected a query"#), "\(problem)")
        let branch = try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo","branches":[{"when":"items","next_step":null}]}}}"#)
        #expect(branch.first?.hasPrefix("/definition/steps/a/branches/0/when: invalid JSONPath \"items\": at 0:") == true, "\(branch)")
        let output = try problems(#"{"start_step":"a","steps":{"a":{"transformer_id":"echo"}},"output_map":{"x":"$..[?length(@) > ]"}}"#)
        #expect(output.first?.hasPrefix("/definition/output_map/x: invalid JSONPath") == true, "\(output)")
    }

    @Test func pointersEscapeStepIdsAsRFC6901Says() throws {
        let found = try problems(#"{"start_step":"a/b","steps":{"a/b":{"transformer_id":"echo","next_step":"c~d"}}}"#)
        #expect(found == ["/definition/steps/a~1b/next_step: names no step: 'c~d'"])
    }

    @Test func retryDelaysDoubleUpToTheCapWithTwentyPercentJitter() {
        let policy = WorkflowDefinition.RetryPolicy(maxRetries: 5, backoffSeconds: 1, maxBackoffSeconds: 5)
        #expect(policy.delay(beforeRetry: 1, random: 0) == .seconds(1))
        #expect(policy.delay(beforeRetry: 2, random: 0) == .seconds(2))
        #expect(policy.delay(beforeRetry: 3, random: 0) == .seconds(4))
        #expect(policy.delay(beforeRetry: 4, random: 0) == .seconds(5))
        #expect(policy.delay(beforeRetry: 40, random: 0) == .seconds(5))
        #expect(policy.delay(beforeRetry: 1, random: 1) == .milliseconds(1_200))
        #expect(policy.delay(beforeRetry: 1, random: -1) == .milliseconds(800))
    }

    @Test func mapsGiveOneValueSeveralAsAnArrayAndNoneAbsent() throws {
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"job_input":{"a":[1,2],"b":"x"}}"#.utf8))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data("""
            {"start_step":"s","steps":{"s":{"transformer_id":"map",
              "input_map":{"one":"$.job_input.b","several":"$.job_input.a[*]","none":"$.job_input.c"}}}}
            """.utf8))
        guard case .success(let definition) = validator.validate(json), let map = definition.steps["s"]?.inputMap else {
            Issue.record("valid")
            return
        }
        var work = 100
        #expect(try WorkflowDefinition.apply(map, to: document, work: &work) == ["one": "x", "several": [1, 2]])
        #expect(work > 0 && work < 100, "the map's queries spent some of the budget: \(work) left")
    }

    @Test func aMapWhoseQueriesWorkPastTheBudgetFailsNamingTheQuery() throws {
        let chain = (0..<400).reduce(JSONValue.int(0)) { inner, _ in .array([inner]) }
        let map = ["all": try JSONPath("$..*..*..*")]
        var work = JSONPath.defaultWorkLimit
        let error = #expect(throws: JSONPathError.self) { try WorkflowDefinition.apply(map, to: ["job_input": chain], work: &work) }
        // 10.7 million nodes: a million of them at once are more than a nodelist may hold.
        #expect(error?.code == .nodeLimitExceeded && error?.message.contains("$..*..*..*") == true, "\(error.map { "\($0)" } ?? "")")
        #expect(work == 0)
        let wide = JSONValue.array((0..<4_000).map { .int(Int64($0)) })
        var budget = JSONPath.defaultWorkLimit
        let walked = #expect(throws: JSONPathError.self) {
            try WorkflowDefinition.apply(["all": try JSONPath("$.job_input[?count($.job_input.*) > 0]")], to: ["job_input": wide], work: &budget)
        }
        #expect(walked?.code == .workLimitExceeded, "4,000 walks of 4,000 members: \(walked.map { "\($0)" } ?? "")")
    }

    /// A query may select one subtree many times at no cost in memory until the result is
    /// written out: every key `$`, or `$..*` over a deep document (each level holds the rest).
    @Test func aMapWhoseResultWouldBeTooMuchJSONFailsNamingTheQueryAndKey() throws {
        let text = JSONValue.string(String(repeating: "x", count: 200_000))
        let everyKey = Dictionary(uniqueKeysWithValues: try (0..<100).map { ("k\($0)", try JSONPath("$.job_input")) })
        var work = JSONPath.defaultWorkLimit
        let repeated = #expect(throws: JSONPathError.self) { try WorkflowDefinition.apply(everyKey, to: ["job_input": text], work: &work) }
        #expect(repeated?.code == .resultTooLarge, "100 copies of 200 KB: \(repeated.map { "\($0)" } ?? "")")
        #expect(repeated?.message.contains("$.job_input") == true && repeated?.message.contains("16777216 bytes") == true)

        let deep = (0..<300).reduce(text) { inner, _ in .array([inner]) }
        var budget = JSONPath.defaultWorkLimit
        let descendants = #expect(throws: JSONPathError.self) {
            try WorkflowDefinition.apply(["all": try JSONPath("$..*")], to: ["job_input": deep], work: &budget)
        }
        #expect(descendants?.code == .resultTooLarge && descendants?.message.contains(#"(key "all")"#) == true)

        // The limit is the written result's length, to the byte.
        let map = ["a": try JSONPath("$.job_input"), "b": try JSONPath("$.job_input")]
        let exact = JSONValue.object(["a": text, "b": text]).jsonBytes.count
        var enough = JSONPath.defaultWorkLimit
        #expect(try WorkflowDefinition.apply(map, to: ["job_input": text], work: &enough, resultLimit: exact) == ["a": text, "b": text])
        var short = JSONPath.defaultWorkLimit
        #expect(throws: JSONPathError.self) { try WorkflowDefinition.apply(map, to: ["job_input": text], work: &short, resultLimit: exact - 1) }
    }
}
