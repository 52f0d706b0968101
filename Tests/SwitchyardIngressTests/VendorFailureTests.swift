import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// The development pipeline's real clients against fake vendor servers on loopback that speak
/// the vendors' wire formats: an OpenAI-compatible chat API and the build service's API.
@Suite(.serialized, .timeLimit(.minutes(3))) struct VendorFailureTests {
    /// An OpenAI chat-completions answer whose message content is `content`.
    static func chat(_ content: String, delay: Duration = .zero) -> LoopbackRoute {
        let body: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "fake-model",
            "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": content]]],
            "usage": ["prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20],
        ]
        return LoopbackRoute(
            headers: [("Content-Type", "application/json")], body: Array((try? JSONSerialization.data(withJSONObject: body)) ?? Data()), delay: delay)
    }

    static let analysis = #"{"projectName":"Clinic Booking","description":"Online booking for a clinic.","requirements":["Patients book visits online.","Staff see the agenda."],"preferences":{},"timeline":"in two months","priority":"medium"}"#

    static func plan(dependency: String) -> String {
        #"""
        {"name":"Clinic Booking","description":"Online booking.","techStack":{"frontend":["React"],"backend":["Swift"],"database":"PostgreSQL","deployment":"Docker"},
         "features":[{"id":"f1","name":"Booking","description":"Book visits","priority":"high","complexity":"medium","dependencies":[]},
                     {"id":"f2","name":"Agenda","description":"Staff agenda","priority":"medium","complexity":"low","dependencies":["\#(dependency)"]}],
         "architecture":{"type":"monolith","components":["web","api","db"]},"timeline":{"estimated_hours":40,"phases":[]},
         "fileStructure":["README.md"],"dependencies":["React"]}
        """#
    }

    static func conversation(_ id: String) -> String {
        #"{"event_type":"conversation_ended","conversation_id":"\#(id)","properties":{"transcript":"Patient: We need online booking for our clinic."}}"#
    }

    @Test func invalidJSONThenADanglingDependencyDeadLettersThePlanAndATimeoutIsRetried() async throws {
        try await withFleet { fleet in
            let llm = try LoopbackHTTPServer(scripts: ["/v1/chat/completions": [
                Self.chat(Self.analysis),
                Self.chat("Sure! Here is the plan you asked for."),
                Self.chat(Self.plan(dependency: "f9")),
                Self.chat(Self.analysis),
                Self.chat(Self.plan(dependency: "f1"), delay: .seconds(3)),
                Self.chat(Self.plan(dependency: "f1")),
            ]])
            defer { llm.stop() }
            let ingress = try await IngressHarness.start(fleet)
            try fleet.startWorker(["analysis", "planning", "dead-letters"], environment: [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_API_KEY": "sk-test",
                "SWITCHYARD_OPENAI_MODEL": "fake-model", "SWITCHYARD_LLM_TIMEOUT_SECONDS": "1",
            ])

            #expect(try await ingress.webhook(body: Self.conversation("conv-broken"), id: "call-broken").status == 200)
            try await eventually("the invalid plan to be dead-lettered", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE error_class = 'invalid_plan'") == 1
            }
            let error = try await fleet.text("SELECT error FROM dead_letters WHERE error_class = 'invalid_plan'")
            #expect(error.contains("features[1].dependencies[0]: 'f9' is not the id of a feature"), "\(error)")
            let repair = String(decoding: llm.requests[2].body, as: UTF8.self)
            #expect(repair.contains("not a JSON object"), "the repair request names the first answer's problem: \(repair.prefix(600))")
            #expect(llm.requests[0].header("Authorization") == "Bearer sk-test")
            #expect(try await fleet.count("SELECT count(*) FROM projects WHERE status = 'planning' AND plan IS NULL") == 1,
                    "the failed plan wrote nothing")

            #expect(try await ingress.webhook(body: Self.conversation("conv-slow"), id: "call-slow").status == 200)
            try await eventually("the plan to be stored after the timeout's retry", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM projects WHERE conversation_id = 'conv-slow' AND status = 'ready_to_build'") == 1
            }
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE error LIKE 'timeout:%'", settlingAt: 1) == 1, "the timeout was a transient failure")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'llm' AND NOT offline", settlingAt: 6) == 6)
            await ingress.client.shutdown()
        }
    }

    @Test func anAnalysisWithAFieldOfTheWrongKindIsDeadLetteredNamingTheField() async throws {
        try await withFleet { fleet in
            let answer = #"{"projectName":"Clinic","description":"d","requirements":"one string","preferences":{},"timeline":"t","priority":"high"}"#
            let llm = try LoopbackHTTPServer(routes: ["/v1/chat/completions": Self.chat(answer)])
            defer { llm.stop() }
            let ingress = try await IngressHarness.start(fleet)
            try fleet.startWorker(["analysis", "dead-letters"], environment: [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_API_KEY": "sk-test",
                "SWITCHYARD_OPENAI_MODEL": "fake-model",
            ])
            #expect(try await ingress.webhook(body: Self.conversation("conv-fields"), id: "call-fields").status == 200)
            try await eventually("the analysis to be dead-lettered", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE error_class = 'invalid_analysis'") == 1
            }
            let error = try await fleet.text("SELECT error FROM dead_letters WHERE error_class = 'invalid_analysis'")
            #expect(error.contains("does not have the expected fields: requirements: expected an array"), "\(error)")
            #expect(try await fleet.count("SELECT count(*) FROM projects") == 0, "nothing was written")
            await ingress.client.shutdown()
        }
    }

    /// The whole pipeline with the real clients: the chat API analyses and plans, the build
    /// service fails twice before starting one build, and its callbacks (sent here, as the
    /// service would, signed by the reference implementation) finish the project.
    @Test func withTheRealClientsABuildServiceThatFailsTwiceStartsOneBuildAndItsCallbacksFinishTheProject() async throws {
        try await withFleet { fleet in
            let llm = try LoopbackHTTPServer(scripts: ["/v1/chat/completions": [Self.chat(Self.analysis), Self.chat(Self.plan(dependency: "f1"))]])
            defer { llm.stop() }
            let unavailable = LoopbackRoute(status: 503, headers: [("Content-Type", "application/json")], body: Array(#"{"error":"busy"}"#.utf8))
            let service = try LoopbackHTTPServer(scripts: ["/api/builds": [
                unavailable, unavailable,
                LoopbackRoute(status: 201, headers: [("Content-Type", "application/json")], body: Array(#"{"build_id":"kb-1","project_id":"kp-9","status":"queued"}"#.utf8)),
            ]])
            defer { service.stop() }
            let buildSecret = DevelopmentPipelineTests.buildSecret
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_WEBHOOK_SECRET_KIRO": buildSecret])
            try fleet.startWorker(["analysis", "planning", "build"], environment: [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_MODEL": "fake-model",
                "SWITCHYARD_BUILD_SERVICE": "kiro", "SWITCHYARD_KIRO_BASE_URL": service.url("/api"), "SWITCHYARD_KIRO_API_KEY": "kiro-key",
                "SWITCHYARD_PUBLIC_URL": "http://127.0.0.1:\(ingress.port)",
            ])
            #expect(try await ingress.webhook(body: Self.conversation("conv-build"), id: "call-build").status == 200)
            try await eventually("the build to start after two 503s", timeout: .seconds(40)) {
                try await fleet.count("SELECT count(*) FROM projects WHERE build_id = 'kb-1' AND status = 'building'") == 1
            }
            #expect(try await fleet.text("SELECT name || ' ' || build_service_project_id FROM projects") == "Clinic Booking kp-9")
            let starts = service.requests
            #expect(starts.count == 3)
            #expect(Set(starts.map { $0.header("Idempotency-Key") ?? "" }).count == 1, "every attempt carries the same idempotency key")
            #expect(starts.allSatisfy { $0.header("Authorization") == "Bearer kiro-key" })
            let request = try JSONSerialization.jsonObject(with: Data(starts[2].body)) as? [String: Any]
            #expect(request?["webhook_url"] as? String == "http://127.0.0.1:\(ingress.port)/v1/webhooks/kiro")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'build_service' AND status_code = 503", settlingAt: 2) == 2)

            // The service's callbacks, duplicated and out of order, with a late failure after completion;
            // one with a message of 5,000 characters, one with a progress of 250 %.
            let second = #"{"event":"build_progress","build_id":"kb-1","sequence":2,"progress":60,"message":"\#(String(repeating: "t", count: 5_000))"}"#
            let first = #"{"event":"build_progress","build_id":"kb-1","sequence":1,"progress":250,"message":"scaffold"}"#
            let callbacks: [(id: String, body: String)] = [
                ("cb-2", second),
                ("cb-1", first),
                ("cb-2-again", second),
                ("cb-3", #"{"event":"build_completed","build_id":"kb-1","sequence":3,"message":"done"}"#),
                ("cb-1", first),
                ("cb-4", #"{"event":"build_failed","build_id":"kb-1","sequence":4,"message":"late failure"}"#),
            ]
            for callback in callbacks {
                let answer = try await ingress.webhook("kiro", body: callback.body, id: callback.id, secret: buildSecret)
                #expect(answer.status == 200, "\(answer.bodyText)")
            }
            try await eventually("every callback to be stored", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM build_events") == 5
            }
            #expect(try await fleet.text("SELECT string_agg(sequence::text || ':' || kind, ' ' ORDER BY sequence) FROM build_events")
                == "0:progress 1:progress 2:progress 3:completed 4:failed")
            #expect(try await fleet.text(
                "SELECT length(message) || ' ' || length(payload->>'message') || ' ' || coalesce(progress::text, '-') FROM build_events WHERE sequence = 2"
            ) == "4097 5000 60", "the message's first 4,096 characters and an ellipsis; the callback whole in the payload")
            #expect(try await fleet.text("SELECT coalesce(progress::text, 'none') FROM build_events WHERE sequence = 1") == "none",
                    "a progress outside 0...100 is not shown")
            #expect(try await fleet.text("SELECT status FROM projects WHERE build_id = 'kb-1'") == "completed",
                    "a late failure does not move a finished project back")
            #expect(try await fleet.text("SELECT string_agg(api || ' ' || coalesce(status_code::text, '-'), ', ' ORDER BY id) FROM api_usage", settlingAt: "llm 200, llm 200, build_service 503, build_service 503, build_service 200")
                == "llm 200, llm 200, build_service 503, build_service 503, build_service 200")
            await ingress.client.shutdown()
        }
    }

    @Test func aRateLimitSharedByTwoWorkerProcessesHoldsForTheWholeFleet() async throws {
        try await withFleet { fleet in
            let llm = try LoopbackHTTPServer(routes: ["/v1/chat/completions": Self.chat(Self.analysis)])
            defer { llm.stop() }
            let ingress = try await IngressHarness.start(fleet)
            let environment = [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_MODEL": "fake-model",
                "SWITCHYARD_LLM_RATE": "2", "SWITCHYARD_LLM_BURST": "1",
            ]
            try fleet.startWorker(["analysis"], environment: environment)
            try fleet.startWorker(["analysis"], environment: environment)
            let conversations = 10
            for index in 0..<conversations {
                #expect(try await ingress.webhook(body: Self.conversation("conv-\(index)"), id: "call-\(index)").status == 200)
            }
            try await eventually("every conversation to be analysed", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM projects") == conversations
            }
            let arrivals = llm.requests.map(\.receivedAt).sorted()
            #expect(arrivals.count == conversations, "calls over the limit were not made, only retried")
            // A bucket of 1 refilled at 2/s allows at most 1 + 2·t calls in t seconds, fleet-wide
            // (each process on its own would allow twice that).
            let span = try #require(arrivals.last) - arrivals[0]
            #expect(span >= .milliseconds(4_000), "10 calls at 2/s after a burst of 1 take at least 4.5 s, took \(span)")
            for (index, start) in arrivals.enumerated() {
                let inWindow = arrivals[index...].prefix { $0 - start < .seconds(1) }.count
                #expect(inWindow <= 3, "at most 3 calls in any second, saw \(inWindow)")
            }
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'llm'", settlingAt: conversations) == conversations)
            #expect(fleet.logs().contains("provider_rate"), "messages over the limit were deferred through the retry tiers")
            #expect(try await fleet.depths(["sy.dlq.analysis"])["sy.dlq.analysis"] == 0, "deferrals don't use up attempts")
            await ingress.client.shutdown()
        }
    }

    /// A 429 whose `Retry-After` is longer than every retry tier waits it out through the longest
    /// tier, with no attempt counted for the tiers in between: a topology whose only tier is 1 s,
    /// a model that asks for 3 s, and a role with 2 attempts.
    @Test func aRetryAfterLongerThanEveryTierIsWaitedOutWithoutUsingAttempts() async throws {
        try await withFleet { fleet in
            var limited = LoopbackRoute.text(#"{"error":{"message":"Rate limit reached","type":"requests"}}"#, status: 429)
            limited.headers.append(("Retry-After", "3"))
            let llm = try LoopbackHTTPServer(scripts: ["/v1/chat/completions": [limited, Self.chat(Self.analysis)]])
            defer { llm.stop() }
            let topology = try String(contentsOf: TestEnvironment.repositoryRoot.appending(path: "topology/switchyard.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "  tiers: [1s, 5s, 30s, 2m, 10m]\n", with: "  tiers: [1s]\n")
                .replacingOccurrences(of: "    events: [conversation.ended]\n    max_attempts: 5\n", with: "    events: [conversation.ended]\n    max_attempts: 2\n")
            #expect(topology.contains("tiers: [1s]\n") && topology.contains("max_attempts: 2\n"))
            let topologyFile = FileManager.default.temporaryDirectory.appending(path: TestEnvironment.uniqueName("one-tier-topology") + ".yaml")
            try topology.write(to: topologyFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: topologyFile) }
            let ingress = try await IngressHarness.start(fleet)
            try fleet.startWorker(["analysis"], environment: [
                "SWITCHYARD_TOPOLOGY_FILE": topologyFile.path, "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"),
                "SWITCHYARD_OPENAI_API_KEY": "sk-test", "SWITCHYARD_OPENAI_MODEL": "fake-model",
            ])
            #expect(try await ingress.webhook(body: Self.conversation("conv-patient"), id: "call-patient").status == 200)
            try await eventually("the analysis to succeed after the wait", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM projects WHERE conversation_id = 'conv-patient'") == 1
            }
            let arrivals = llm.requests.map(\.receivedAt)
            try #require(arrivals.count == 2)
            #expect(arrivals[1] - arrivals[0] >= .seconds(3), "the call came again \(arrivals[1] - arrivals[0]) after a 429 asking for 3 s")
            let logs = fleet.logs()
            #expect(logs.contains("\"outcome\":\"waiting_1s\""), "the tiers in between only waited: \(logs.suffix(2_000))")
            #expect(logs.contains("\"attempt\":\"2\"") && !logs.contains("\"attempt\":\"3\""), "one attempt counted for the 429, none for the waits")
            #expect(try await fleet.depths(["sy.dlq.analysis"])["sy.dlq.analysis"] == 0)
            await ingress.client.shutdown()
        }
    }
}
