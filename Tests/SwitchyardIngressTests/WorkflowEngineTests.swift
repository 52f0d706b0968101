// The workflow engine end to end: JSONPath data flow, branches, transformers, per-step
// retries, versions, cancellation and delays, against a real broker, database and fake vendors.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct WorkflowEngineTests {
    static func json(_ value: Any) -> LoopbackRoute {
        LoopbackRoute(headers: [("Content-Type", "application/json")], body: Array((try? JSONSerialization.data(withJSONObject: value)) ?? Data()))
    }

    /// The seed's example: fetch (a configured http transformer with a secret header), score
    /// (a filter), a branch to notify (llm) only when something is cheap, and the output map.
    static func shop(_ server: LoopbackHTTPServer) -> String {
        """
        {"start_step": "fetch",
         "steps": {
           "fetch": {"transformer_id": "shop-api", "input_map": {"category": "$.job_input.category"},
                     "retry": {"max_retries": 2, "backoff_seconds": 0.5}, "next_step": "score"},
           "score": {"transformer_id": "map", "input_map": {"items": "$.fetch.output.items[?@.price < 10]"},
                     "branches": [{"when": "$.score.output.items[0]", "next_step": "notify"}], "next_step": null},
           "notify": {"transformer_id": "llm", "input_map": {"prompt": "$.job_input.prompt"}, "next_step": null}
         },
         "output_map": {"cheap": "$.score.output.items", "note": "$.notify.output.text", "names": "$.score.output.items[*].name"}}
        """
    }

    @Test func dataFlowsByJSONPathThroughAFilterAndABranchWithSecretsKeptOutOfEveryRow() async throws {
        try await withFleet { fleet in
            let shop = try LoopbackHTTPServer(scripts: ["/items/toys": [Self.json(["items": [
                ["name": "ball", "price": 4], ["name": "kite", "price": 25], ["name": "yo-yo", "price": 7.5],
            ]])], "/items/cars": [Self.json(["items": [["name": "coupe", "price": 30_000]]])]])
            defer { shop.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.configure("shop-api", """
                {"type": "http", "description": "the shop's catalogue",
                 "config": {"url": "\(shop.url("/items/")){{input.category}}", "headers": {"Authorization": "Bearer {{secrets.token}}"},
                            "secrets": {"token": "s3cret-shop-token"}}}
                """)
            let shown = try await harness.ingress.send(.get, "/v1/transformers/shop-api", key: harness.tenants.a.key)
            #expect(((shown.json["config"] as? [String: Any])?["secrets"] as? [String: String]) == ["token": "***"], "\(shown.bodyText)")
            #expect(!shown.bodyText.contains("s3cret"))
            try await harness.define("shop", Self.shop(shop))
            try harness.worker(fleet)

            let cheap = try await harness.wait(
                try await harness.start("shop", input: #"{"category":"toys","prompt":"Tell the buyer about cheap toys"}"#), for: "completed")
            let result = try #require(cheap["final_result"] as? [String: Any])
            #expect((result["names"] as? [String]) == ["ball", "yo-yo"], "several nodes: an array of values: \(result)")
            #expect((result["cheap"] as? [[String: Any]])?.count == 2)
            #expect((result["note"] as? String)?.hasPrefix("Tell the buyer") == true, "the offline model answered: \(result)")
            #expect(WorkflowHarness.history(cheap) == [
                "pending@fetch", "running@fetch#1", "running@score#1", "running@notify#1", "completed@notify#1",
            ])
            let steps = try #require(cheap["steps"] as? [[String: Any]])
            #expect(steps.map { $0["step_id"] as? String } == ["fetch", "score", "notify"])
            #expect((steps[1]["input"] as? [String: Any])?["items"] is [Any], "the step's input is stored")
            #expect(shop.requests.first?.header("Authorization") == "Bearer s3cret-shop-token")

            let expensive = try await harness.wait(try await harness.start("shop", input: #"{"category":"cars"}"#), for: "completed")
            #expect((expensive["final_result"] as? [String: Any])?.isEmpty == true, "no node: the keys are absent: \(expensive)")
            #expect((expensive["steps"] as? [[String: Any]])?.count == 2, "no branch matched, so the job ended after score")

            #expect(try await fleet.count("SELECT count(*) FROM job_steps WHERE input::text LIKE '%s3cret%' OR output::text LIKE '%s3cret%'") == 0)
            #expect(try await fleet.count("SELECT count(*) FROM transformers WHERE config::text LIKE '%s3cret%'") == 0)
            #expect(try await fleet.count("SELECT count(*) FROM transformers WHERE sealed_secrets IS NOT NULL") == 1)
            #expect(!fleet.logs().contains("s3cret"), "no secret in any log")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func anHTTPStepAnswered500TwiceWaitsInAwaitingRetryTwiceThenCompletes() async throws {
        try await withFleet { fleet in
            let flaky = try LoopbackHTTPServer(scripts: ["/flaky": [
                .text("upstream down", status: 500), .text("still down", status: 500), Self.json(["ok": true]),
            ]])
            defer { flaky.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.define("flaky", """
                {"start_step": "call", "steps": {"call": {"transformer_id": "http", "input_map": {"url": "$.job_input.url"},
                  "retry": {"max_retries": 3, "backoff_seconds": 0.5, "max_backoff_seconds": 5}}}}
                """)
            try harness.worker(fleet)
            let id = try await harness.start("flaky", input: #"{"url":"\#(flaky.url("/flaky"))"}"#)
            let waiting = try await harness.wait(id, for: "awaiting_retry")
            #expect(waiting["next_retry_at"] is String, "a waiting job says when it runs again: \(waiting)")
            let done = try await harness.wait(id, for: "completed")
            #expect(done["retry_count"] as? Int == 2)
            #expect(done["next_retry_at"] is NSNull)
            #expect((done["final_result"] as? [String: Bool]) == ["ok": true])
            #expect(WorkflowHarness.history(done) == [
                "pending@call", "running@call#1", "awaiting_retry@call#1", "running@call#2", "awaiting_retry@call#2", "running@call#3",
                "completed@call#3",
            ])
            let errors = (done["state_history"] as? [[String: Any]] ?? []).compactMap { $0["error"] as? String }
            #expect(errors.count == 2 && errors.allSatisfy { $0.contains("HTTP 500") }, "\(errors)")
            #expect(flaky.requests.count == 3)
            #expect(try await fleet.count("SELECT attempts FROM job_steps WHERE job_id = '\(id)'") == 3)
            let delayed = try await fleet.count("SELECT count(*) FROM outbox WHERE exchange = 'sy.retry' AND routing_key = 'sy.work.workflow'")
            #expect(delayed == 2, "each retry waited in a broker tier")
            await harness.ingress.client.shutdown()
        }
    }

    /// An `http` step answered 429 with `Retry-After` is retried no sooner than it asks, however
    /// short the step's own backoff.
    @Test func anHTTPStepAnswered429IsRetriedNoSoonerThanItsRetryAfter() async throws {
        try await withFleet { fleet in
            var limited = LoopbackRoute.text("slow down", status: 429)
            limited.headers.append(("Retry-After", "2"))
            let server = try LoopbackHTTPServer(scripts: ["/limited": [limited, Self.json(["ok": true])]])
            defer { server.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.define("limited", """
                {"start_step": "call", "steps": {"call": {"transformer_id": "http", "input_map": {"url": "$.job_input.url"},
                  "retry": {"max_retries": 1, "backoff_seconds": 0.2}}}}
                """)
            try harness.worker(fleet)
            let done = try await harness.wait(try await harness.start("limited", input: #"{"url":"\#(server.url("/limited"))"}"#), for: "completed")
            #expect(done["retry_count"] as? Int == 1, "\(done)")
            let arrivals = server.requests.map(\.receivedAt)
            try #require(arrivals.count == 2)
            #expect(arrivals[1] - arrivals[0] >= .seconds(2), "the retry came \(arrivals[1] - arrivals[0]) after the 429, which asked for 2 s")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func exhaustedRetriesAndA4xxFailTheJobNamingTheStepAndTheError() async throws {
        try await withFleet { fleet in
            let server = try LoopbackHTTPServer(routes: [
                "/down": .text("maintenance", status: 503), "/missing": .text("no such item", status: 404),
            ])
            defer { server.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.define("fragile", """
                {"start_step": "call", "steps": {"call": {"transformer_id": "http", "input_map": {"url": "$.job_input.url"},
                  "retry": {"max_retries": 1, "backoff_seconds": 0.2}}}}
                """)
            try harness.worker(fleet)
            let down = try await harness.wait(try await harness.start("fragile", input: #"{"url":"\#(server.url("/down"))"}"#), for: "failed")
            let error = try #require(down["error"] as? String)
            #expect(error.contains("step 'call' failed after 2 attempts") && error.contains("HTTP 503") && error.contains("maintenance"), "\(error)")
            #expect(down["retry_count"] as? Int == 1)
            let missing = try await harness.wait(try await harness.start("fragile", input: #"{"url":"\#(server.url("/missing"))"}"#), for: "failed")
            #expect((missing["error"] as? String)?.contains("step 'call' failed: HTTP 404") == true, "\(missing["error"] ?? "")")
            #expect(missing["retry_count"] as? Int == 0, "a 4xx is not retried")
            #expect(server.requests.filter { $0.path == "/missing" }.count == 1)
            #expect(server.requests.filter { $0.path == "/down" }.count == 2)

            let guarded = try await harness.wait(
                try await harness.start("fragile", input: #"{"url":"http://169.254.169.254/latest/meta-data"}"#), for: "failed")
            #expect((guarded["error"] as? String)?.contains("169.254.169.254") == true, "the outbound guard refused: \(guarded["error"] ?? "")")

            // A Content-Length of the step's own made the server read its body as a second
            // request on the pooled connection, whose answer went to the next step that used it.
            try await harness.define("raw", #"{"start_step": "call", "steps": {"call": {"transformer_id": "http"}}}"#)
            let smuggled = #"GET /smuggled HTTP/1.1\r\nHost: internal\r\n\r\n"#
            let input = #"{"url": "\#(server.url("/missing"))", "method": "POST", "headers": {"Content-Length": "0"}, "body": "\#(smuggled)"}"#
            let smuggler = try await harness.wait(try await harness.start("raw", input: input), for: "failed")
            #expect(
                (smuggler["error"] as? String)?.contains("headers.Content-Length: not allowed") == true, "\(smuggler["error"] ?? "")")
            #expect(server.requests.filter { $0.path == "/smuggled" }.isEmpty)
            #expect(server.requests.filter { $0.path == "/missing" }.count == 1, "the smuggler's request was never sent")
            await harness.ingress.client.shutdown()
        }
    }

    /// Queries that would walk for minutes, or select one subtree so often that the map's result
    /// would be gigabytes of JSON, fail their job naming the step and the query.
    @Test func queriesThatWouldWorkForMinutesOrSelectTooMuchFailTheJobAndTheWorkerKeepsServing() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            // Every node of the input walks the whole input again: 45,000 x 45,000 steps.
            try await harness.define("walker", """
                {"start_step": "look", "steps": {"look": {"transformer_id": "map", "input_map": {"all": "$..[?count($..*) > 0]"}}}}
                """)
            try await harness.define("brancher", """
                {"start_step": "look", "steps": {"look": {"transformer_id": "map",
                  "branches": [{"when": "$..*..*..*", "next_step": null}]}}}
                """)
            // A 200 KB input a hundred times over is 20 MB; ten thousand keys would be 2 GB.
            let keys = (0..<100).map { #""k\#($0)": "$.job_input""# }.joined(separator: ", ")
            try await harness.define("copier", #"{"start_step": "copy", "steps": {"copy": {"transformer_id": "map", "input_map": {\#(keys)}}}}"#)
            try harness.worker(fleet)
            let copied = try await harness.wait(
                try await harness.start("copier", input: "\"" + String(repeating: "x", count: 200_000) + "\""), for: "failed")
            #expect((copied["error"] as? String)?.contains("the input_map of step 'copy'") == true, "\(copied["error"] ?? "")")
            #expect((copied["error"] as? String)?.contains("past 16777216 bytes of JSON") == true, "\(copied["error"] ?? "")")
            let wide = "[" + (0..<15_000).map { "[\($0),\($0)]" }.joined(separator: ",") + "]"
            let chain = String(repeating: "[", count: 400) + "0" + String(repeating: "]", count: 400)
            let walked = try await harness.wait(try await harness.start("walker", input: wide), for: "failed")
            #expect((walked["error"] as? String)?.contains("the input_map of step 'look'") == true, "\(walked["error"] ?? "")")
            #expect((walked["error"] as? String)?.contains("needs more work than is left") == true, "\(walked["error"] ?? "")")
            let branched = try await harness.wait(try await harness.start("brancher", input: chain), for: "failed")
            #expect((branched["error"] as? String)?.contains("the branches or output_map after step 'look'") == true, "\(branched["error"] ?? "")")
            let echoed = try await harness.wait(try await harness.start("echo", input: #"{"after":"the walkers"}"#), for: "completed")
            #expect(echoed["status"] as? String == "completed", "the worker still serves")
            await harness.ingress.client.shutdown()
        }
    }

    /// Every step reads the job's input and its steps' inputs and outputs: a step whose input
    /// or output would take them past 64 MiB fails the job, naming the step, before it is stored.
    @Test func aStepThatWouldTakeTheJobsDataPastItsLimitFailsTheJob() async throws {
        try await withFleet { fleet in
            let large = try LoopbackHTTPServer(routes: ["/large": Self.json(["text": String(repeating: "y", count: 4_000_000)])])
            defer { large.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            // Two steps whose input and output are each 80 copies of 200 KB hold 64 MB; a third
            // step of the same is too much at its input, an `http` step's 4 MB answer at its output.
            let copies = (0..<80).map { #""k\#($0)": "$.job_input.pad""# }.joined(separator: ", ")
            let growing = #""s1": {"transformer_id": "map", "input_map": {\#(copies)}, "next_step": "s2"},"#
                + #""s2": {"transformer_id": "map", "input_map": {\#(copies)}, "next_step": "s3"}"#
            try await harness.define("copying", #"{"start_step": "s1", "steps": {\#(growing), "s3": {"transformer_id": "map", "input_map": {\#(copies)}}}}"#)
            try await harness.define("fetching", #"""
                {"start_step": "s1", "steps": {\#(growing), "s3": {"transformer_id": "http", "input_map": {"url": "$.job_input.url"}}}}
                """#)
            try harness.worker(fleet)
            let input = #"{"pad": "\#(String(repeating: "x", count: 200_000))", "url": "\#(large.url("/large"))"}"#
            // The jobs' answers hold every step's input and output (96 MB): read the rows.
            func failure(of workflow: String) async throws -> String {
                let id = try await harness.start(workflow, input: input)
                try await eventually("job \(id) to be over", timeout: .seconds(90)) {
                    try await fleet.count("SELECT count(*) FROM jobs WHERE id = '\(id)' AND status IN ('completed', 'failed')") == 1
                }
                return try await fleet.text("SELECT status || ': ' || coalesce(error, '') FROM jobs WHERE id = '\(id)'")
            }
            let copied = try await failure(of: "copying")
            #expect(copied.hasPrefix("failed: ") && copied.contains("the input of step 's3'"), "\(copied)")
            #expect(copied.contains("takes the job's data past 67108864 bytes"), "\(copied)")
            let fetched = try await failure(of: "fetching")
            #expect(fetched.hasPrefix("failed: ") && fetched.contains("the output of step 's3'"), "\(fetched)")
            #expect(large.requests.count == 1, "the step ran; its answer was not stored")
            let stored = try await fleet.count("SELECT count(*) FROM job_steps WHERE step_id = 's3' AND output IS NOT NULL")
            #expect(stored == 0)
            await harness.ingress.client.shutdown()
        }
    }

    @Test func aWorkerKilledBetweenStepsLeavesEachStepsEffectsOnce() async throws {
        try await withFleet { fleet in
            let server = try LoopbackHTTPServer(routes: ["/first": Self.json(["n": 1]), "/second": Self.json(["n": 2])])
            defer { server.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.define("relay", """
                {"start_step": "first", "steps": {
                  "first": {"transformer_id": "http", "input_map": {"url": "$.job_input.first", "body": "$.job_input"}, "next_step": "pause"},
                  "pause": {"transformer_id": "delay", "input_map": {"seconds": "$.job_input.pause"}, "next_step": "second"},
                  "second": {"transformer_id": "http", "input_map": {"url": "$.job_input.second", "body": "$.first.output"}}},
                 "output_map": {"first": "$.first.output.n", "second": "$.second.output.n"}}
                """)
            let victim = try harness.worker(fleet)
            let ids = try await (0..<5).asyncMap { _ in
                try await harness.start("relay", input: #"{"first":"\#(server.url("/first"))","second":"\#(server.url("/second"))","pause":2}"#)
            }
            try await eventually("every job to wait between its steps", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM job_steps WHERE step_id = 'pause' AND status = 'waiting'") == 5
            }
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
            try harness.worker(fleet)
            for id in ids {
                let done = try await harness.wait(id, for: "completed")
                #expect((done["final_result"] as? [String: Int]) == ["first": 1, "second": 2])
            }
            #expect(server.requests.filter { $0.path == "/first" }.count == 5, "each first step's request once")
            #expect(server.requests.filter { $0.path == "/second" }.count == 5, "each second step's request once")
            #expect(try await fleet.count("SELECT count(*) FROM job_steps WHERE attempts <> 1") == 0)
            await harness.ingress.client.shutdown()
        }
    }

    @Test func aJobKeepsTheVersionItStartedWith() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            func definition(_ key: String) -> String {
                """
                {"start_step": "pause", "steps": {
                  "pause": {"transformer_id": "delay", "input_map": {"seconds": "$.job_input.pause"}, "next_step": "mark"},
                  "mark": {"transformer_id": "map", "input_map": {"\(key)": "$.job_input.tag"}}}}
                """
            }
            #expect(try await harness.define("versioned", definition("one"))["version"] as? Int == 1)
            try harness.worker(fleet)
            let first = try await harness.start("versioned", input: #"{"pause":1,"tag":"a"}"#)
            #expect(try await harness.define("versioned", definition("two"))["version"] as? Int == 2)
            #expect(try await harness.define("versioned", definition("two"))["version"] as? Int == 2, "the same definition again: no new version")
            let second = try await harness.start("versioned", input: #"{"pause":0,"tag":"b"}"#)
            let firstDone = try await harness.wait(first, for: "completed")
            #expect(firstDone["workflow_version"] as? Int == 1)
            #expect((firstDone["final_result"] as? [String: String]) == ["one": "a"])
            let secondDone = try await harness.wait(second, for: "completed")
            #expect(secondDone["workflow_version"] as? Int == 2)
            #expect((secondDone["final_result"] as? [String: String]) == ["two": "b"])

            let shown = try await harness.ingress.send(.get, "/v1/workflows/versioned", key: harness.tenants.a.key)
            #expect(shown.json["version"] as? Int == 2)
            #expect((shown.json["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? Int } == [2, 1])
            let old = try await harness.ingress.send(.get, "/v1/workflows/versioned?version=1", key: harness.tenants.a.key)
            #expect(old.bodyText.contains(#""one""#) && !old.bodyText.contains(#""two""#), "\(old.bodyText)")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func cancellingStopsAWaitingJobAndAFinishedJobIs409() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.define("slow", """
                {"start_step": "pause", "steps": {"pause": {"transformer_id": "delay", "input_map": {"seconds": "$.job_input.pause"},
                  "next_step": "after"}, "after": {"transformer_id": "echo"}}}
                """)
            try harness.worker(fleet)
            let id = try await harness.start("slow", input: #"{"pause":2}"#)
            try await eventually("the job to wait", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM job_steps WHERE job_id = '\(id)' AND status = 'waiting'") == 1
            }
            let cancelled = try await harness.ingress.send(.post, "/v1/jobs/\(id)/cancel", key: harness.tenants.a.key)
            #expect(cancelled.status == 202 && cancelled.json["status"] as? String == "cancelled", "\(cancelled.bodyText)")
            let again = try await harness.ingress.send(.post, "/v1/jobs/\(id)/cancel", key: harness.tenants.a.key)
            #expect(again.status == 409 && again.errorCode == "job_finished")
            #expect(try await harness.ingress.send(.post, "/v1/jobs/\(id)/cancel", key: harness.tenants.b.key).status == 404)
            // The wake-up still arrives and is dropped: the job stays cancelled, `after` never runs.
            try await eventually("the wake-up to be consumed", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM inbox WHERE consumer LIKE '%workflow%'") == 2
            }
            let job = try await harness.job(id)
            #expect(job["status"] as? String == "cancelled")
            #expect((job["steps"] as? [[String: Any]])?.count == 1)
            #expect(WorkflowHarness.history(job).last == "cancelled@pause")
            let echo = try await harness.wait(try await harness.start("echo"), for: "completed")
            let late = try await harness.ingress.send(.post, "/v1/jobs/\(echo["job_id"] as? String ?? "")/cancel", key: harness.tenants.a.key)
            #expect(late.status == 409 && (late.json["error"] as? [String: Any])?["message"] as? String == "the job is already completed; only a pending, running or awaiting_retry job can be cancelled")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func delaysHoldNoWorkerSlotSoManyWaitAtOnceOnOneSlot() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.define("nap", """
                {"start_step": "nap", "steps": {"nap": {"transformer_id": "delay", "input_map": {"seconds": "$.job_input.s"},
                  "next_step": "wake"}, "wake": {"transformer_id": "echo"}}}
                """)
            try harness.worker(fleet, ["--concurrency", "1"])
            let ids = try await (0..<20).asyncMap { _ in try await harness.start("nap", input: #"{"s":3}"#) }
            try await eventually("all twenty to wait at once on one slot", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM job_steps WHERE step_id = 'nap' AND status = 'waiting'") == 20
            }
            for id in ids { try await harness.wait(id, for: "completed") }
            await harness.ingress.client.shutdown()
        }
    }
}

extension Sequence {
    /// The results of `transform` on each element, one after another.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
