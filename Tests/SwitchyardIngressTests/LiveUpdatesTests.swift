import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// Server-Sent Events: every transition of a job as it happens, in order, resumable with
/// Last-Event-ID; the workflow worker moving an echo job through its states.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LiveUpdatesTests {
    static func follow(_ tenants: JobAPITests.Tenants, _ path: String, lastEventID: Int? = nil) async throws -> EventStreamClient {
        var headers = ["Authorization": "Bearer \(tenants.a.key)"]
        if let lastEventID { headers["Last-Event-ID"] = "\(lastEventID)" }
        let stream = try await EventStreamClient.connect(port: tenants.ingress.port, path: path, headers: headers)
        try #require(stream.status == 200)
        #expect(stream.headers["content-type"] == "text/event-stream")
        return stream
    }

    @Test func aClientSeesEachTransitionAsItHappensAndResumesWithoutGapsAfterADisconnect() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}")
            let job = try #require(created.json["job_id"] as? String)
            func move(_ assignments: String) async throws {
                try await fleet.execute("UPDATE jobs SET \(assignments), updated_at = now() WHERE id = '\(job)'")
            }

            let first = try await Self.follow(tenants, "/v1/jobs/\(job)/events")
            let pending = try #require(try await first.next())
            #expect(pending.id == "1" && pending.event == "status" && pending.json["status"] as? String == "pending")
            try await move("status = 'running'")
            let running = try #require(try await first.next(), "the update arrives while the stream is open")
            #expect(running.id == "2" && running.json["status"] as? String == "running")
            first.close()

            try await move("current_step_id = 'second'")
            try await move("current_step_id = 'third'")
            let resumed = try await Self.follow(tenants, "/v1/jobs/\(job)/events", lastEventID: 2)
            let missed = [try await resumed.next(), try await resumed.next()].compactMap { $0 }
            #expect(missed.map(\.id) == ["3", "4"], "exactly what was missed, in order")
            #expect(missed.compactMap { $0.json["current_step_id"] as? String } == ["second", "third"])
            try await move("status = 'completed', final_result = '{\"ok\":true}'")
            let done = try #require(try await resumed.next())
            #expect(done.id == "5" && done.json["status"] as? String == "completed")
            #expect(try await resumed.next() == nil, "the stream ends after the job finished")
            resumed.close()

            let replay = try await Self.follow(tenants, "/v1/jobs/\(job)/events")
            #expect(try await replay.rest().map(\.id) == ["1", "2", "3", "4", "5"], "a new client replays everything once")
            replay.close()
            let refused = try await tenants.ingress.client.execute(HTTPRequest(
                url: "http://127.0.0.1:\(tenants.ingress.port)/v1/jobs/\(job)/events",
                headers: [HTTPHeader("Authorization", "Bearer \(tenants.a.key)"), HTTPHeader("Last-Event-ID", "last")]))
            #expect(refused.status == 400 && refused.errorField == "Last-Event-ID")
            await tenants.ingress.client.shutdown()
        }
    }

    @Test func theIngressReadsNewUpdatesWithoutAHeartbeatAndAfterLosingItsDatabaseConnection() async throws {
        try await withFleet { fleet in
            // With a heartbeat of 300 s only the hub's polls can bring the updates within the waits.
            let tenants = try await JobAPITests.Tenants.start(fleet, environment: ["SWITCHYARD_SSE_HEARTBEAT": "300"])
            let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}")
            let job = try #require(created.json["job_id"] as? String)
            let stream = try await Self.follow(tenants, "/v1/jobs/\(job)/events")
            #expect(try await stream.next()?.id == "1")
            try await fleet.execute("UPDATE jobs SET status = 'running', updated_at = now() WHERE id = '\(job)'")
            #expect(try await stream.next(timeout: .seconds(5))?.id == "2", "a poll finds the update")

            let cut = try await fleet.count("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE query LIKE '%JOIN LATERAL (SELECT seq FROM live_updates%' AND pid <> pg_backend_pid()
                """)
            #expect(cut == 1, "the hub's connection is the one that polls")
            try await fleet.execute("UPDATE jobs SET current_step_id = 'second', updated_at = now() WHERE id = '\(job)'")
            #expect(try await stream.next(timeout: .seconds(10))?.id == "3", "the hub reconnects and finds it")
            stream.close()
            await tenants.ingress.client.shutdown()
        }
    }

    @Test func sigtermEndsOpenStreamsAndTheIngressExitsCleanly() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}")
            let stream = try await Self.follow(tenants, "/v1/jobs/\(try #require(created.json["job_id"] as? String))/events")
            #expect(try await stream.next()?.id == "1")
            tenants.ingress.process.terminate()
            #expect(try await stream.next(timeout: .seconds(10)) == nil, "the open stream ends")
            stream.close()
            try await eventually("the ingress to exit", timeout: .seconds(10)) { !tenants.ingress.process.isRunning }
            #expect(tenants.ingress.process.terminationStatus == 0)
            await tenants.ingress.client.shutdown()
        }
    }

    @Test func theWorkflowWorkerRunsAnEchoJobAndTheStreamShowsPendingRunningCompleted() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            try fleet.startWorker(["workflow"])
            let created = try await tenants.ingress.send(
                .post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":{"greeting":"hello"}}"#)
            let job = try #require(created.json["job_id"] as? String)
            let stream = try await Self.follow(tenants, "/v1/jobs/\(job)/events")
            let events = try await stream.rest()
            stream.close()
            #expect(events.compactMap { $0.json["status"] as? String } == ["pending", "running", "completed"], "\(fleet.logs())")
            #expect(events.map(\.id) == ["1", "2", "3"])
            #expect(events.last?.json["final_result"] as? [String: String] == ["greeting": "hello"])
            let shown = try await tenants.ingress.send(.get, "/v1/jobs/\(job)", key: tenants.a.key)
            #expect(shown.json["result"] as? [String: String] == ["greeting": "hello"])
            #expect((shown.json["state_history"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["pending", "running", "completed"])
            await tenants.ingress.client.shutdown()
        }
    }

    @Test func aMultiStepWorkflowRunsEachStepAsItsOwnMessageAndAnUnknownTransformerFailsTheJob() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let defined = try await tenants.ingress.send(.put, "/v1/workflows/relay-race", key: tenants.a.key, body: """
                {"name": "Relay race", "definition": {"start_step": "one", "steps": {
                  "one": {"transformer_id": "echo", "next_step": "two"}, "two": {"transformer_id": "echo", "next_step": "three"},
                  "three": {"transformer_id": "echo"}}}}
                """)
            #expect(defined.status == 201, "\(defined.bodyText)")
            try fleet.startWorker(["workflow"])
            let created = try await tenants.ingress.send(.post, "/v1/workflows/relay-race/jobs", key: tenants.a.key, body: #"{"input":[1,2]}"#)
            let job = try #require(created.json["job_id"] as? String)
            let stream = try await Self.follow(tenants, "/v1/jobs/\(job)/events")
            let events = try await stream.rest()
            stream.close()
            #expect(events.map { "\($0.json["status"] ?? "")@\($0.json["current_step_id"] ?? "")" }
                == ["pending@one", "running@one", "running@two", "running@three", "completed@three"], "\(fleet.logs())")
            #expect(try await fleet.count("SELECT count(*) FROM inbox WHERE consumer LIKE '%workflow%'") == 3, "one message per step")
            #expect(try await fleet.text(
                "SELECT string_agg(step_id || '=' || output::text, ' ' ORDER BY step_id) FROM job_steps WHERE job_id = '\(job)' AND status = 'completed'"
            ) == "one=[1, 2] three=[1, 2] two=[1, 2]")

            // A definition the API would refuse (stored before validation existed): the job fails, naming the transformer.
            try await fleet.execute(
                """
                WITH w AS (INSERT INTO workflows (id, tenant_id, name, definition) VALUES ('teleport', '\(tenants.a.id)', 'Teleport',
                    '{"start_step":"beam","steps":{"beam":{"transformer_id":"teleport"}}}') RETURNING id, tenant_id, name, definition)
                INSERT INTO workflow_versions (tenant_id, workflow_id, version, name, definition) SELECT tenant_id, id, 1, name, definition FROM w
                """)
            let failing = try await tenants.ingress.send(.post, "/v1/workflows/teleport/jobs", key: tenants.a.key, body: "{}")
            let failingStream = try await Self.follow(tenants, "/v1/jobs/\(try #require(failing.json["job_id"] as? String))/events")
            let failed = try await failingStream.rest()
            failingStream.close()
            #expect(failed.compactMap { $0.json["status"] as? String } == ["pending", "failed"])
            #expect((failed.last?.json["error"] as? String)?.contains("no transformer 'teleport'") == true)
            await tenants.ingress.client.shutdown()
        }
    }
}
