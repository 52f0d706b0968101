// A large job's answer holds room in the ingress's memory budget until it is written.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// `SWITCHYARD_JOB_ANSWER_BUDGET`: a job answer estimated over 64 KiB reserves its size before
/// it is read, and keeps it until the answer is written, the client goes away, or the client
/// has taken nothing of it for `SWITCHYARD_HTTP_IDLE_TIMEOUT`. Here the budget is 1 MiB and the
/// large job's answer about 48 MiB (more than the sockets' buffers hold), so one such answer at
/// a time.
@Suite(.serialized, .timeLimit(.minutes(3))) struct JobAnswerBudgetTests {
    static let idleTimeout = Duration.seconds(10)

    @Test func aLargeAnswerWaitsForRoomWhileAnotherIsUnreadAndSmallOnesDoNot() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet, environment: [
                "SWITCHYARD_JOB_ANSWER_BUDGET": "\(1 << 20)", "SWITCHYARD_HTTP_BODY_LIMIT": "\(16 << 20)",
                "SWITCHYARD_HTTP_IDLE_TIMEOUT": "\(Self.idleTimeout.components.seconds)",
            ])
            let ingress = tenants.ingress
            let client = HTTPClient(configuration: .init(maxResponseSize: 256 << 20))
            func get(_ path: String) async throws -> HTTPResponse {
                try await client.execute(HTTPRequest(
                    url: "http://127.0.0.1:\(ingress.port)\(path)", headers: [HTTPHeader("Authorization", "Bearer \(tenants.a.key)")]))
            }
            try fleet.startWorker(["workflow"], environment: WorkflowHarness.workerEnvironment)
            let text = String(repeating: "x", count: 8 << 20)
            let large = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":{"text":"\#(text)"}}"#)
            try #require(large.status == 201, "\(large.bodyText.prefix(300))")
            let largeID = try #require(large.json["job_id"] as? String)
            let small = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":{"n":1}}"#)
            let smallID = try #require(small.json["job_id"] as? String)
            let medium = try await ingress.send(
                .post, "/v1/workflows/echo/jobs", key: tenants.a.key,
                body: #"{"input":{"text":"\#(String(repeating: "m", count: 100 << 10))"}}"#)
            let mediumID = try #require(medium.json["job_id"] as? String)
            try await eventually("the jobs to complete", timeout: .seconds(60)) {
                let jobs = try await ingress.send(.get, "/v1/jobs", key: tenants.a.key).json["jobs"] as? [[String: Any]] ?? []
                return jobs.count == 3 && jobs.allSatisfy { $0["status"] as? String == "completed" }
            }
            let whole = try await get("/v1/jobs/\(largeID)")
            #expect(whole.status == 200 && whole.body.count > 40 << 20, "\(whole.body.count) bytes")
            let result = whole.json["final_result"] as? [String: Any]
            #expect((result?["text"] as? String)?.utf8.count == 8 << 20, "alone, an answer over the whole budget is read whole")

            // A client that reads the head and no more holds the answer, and with it the budget.
            let unread = try LoopbackClient(port: ingress.port)
            unread.send("GET /v1/jobs/\(largeID) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(tenants.a.key)\r\n\r\n")
            let head = try #require(await unread.receive(atLeast: 12, timeout: .seconds(30)))
            #expect(String(decoding: head.prefix(12), as: UTF8.self) == "HTTP/1.1 200")

            let small200 = try await ingress.send(.get, "/v1/jobs/\(smallID)", key: tenants.a.key)
            #expect(small200.status == 200 && small200.json["status"] != nil, "a small answer needs no room: \(small200.bodyText)")
            let started = ContinuousClock.now
            async let mediumRefused = get("/v1/jobs/\(mediumID)")
            let refused = try await get("/v1/jobs/\(largeID)")
            #expect(refused.status == 503, "\(refused.bodyText.prefix(300))")
            #expect(refused.errorCode == "answers_busy")
            #expect(refused.headers.first { $0.name.lowercased() == "retry-after" }?.value == "1")
            #expect(ContinuousClock.now - started >= .seconds(4), "it waited for room before it was refused")
            let mediumAnswer = try await mediumRefused
            #expect(mediumAnswer.status == 503, "an answer of a few hundred KiB needs room too: \(mediumAnswer.status)")

            // The client takes nothing for the idle timeout: the server closes its connection,
            // which drops its answer and frees the room.
            try await eventually("a large answer to be had again", timeout: .seconds(30)) {
                try await get("/v1/jobs/\(largeID)").status == 200
            }
            #expect(await unread.waitForClose(timeout: .seconds(30)), "the server closed the connection that read nothing")
            #expect(try await get("/v1/jobs/\(mediumID)").status == 200)

            // A client that goes away frees the room at once, long before the idle timeout.
            let leaving = try LoopbackClient(port: ingress.port)
            leaving.send("GET /v1/jobs/\(largeID) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(tenants.a.key)\r\n\r\n")
            _ = try #require(await leaving.receive(atLeast: 12, timeout: .seconds(30)))
            let left = ContinuousClock.now
            leaving.close()
            try await eventually("a large answer to be had once the client left", timeout: .seconds(30)) {
                try await get("/v1/jobs/\(largeID)").status == 200
            }
            #expect(ContinuousClock.now - left < Self.idleTimeout, "the room came back with the client's close, not the deadline")
            await client.shutdown()
            await ingress.client.shutdown()
        }
    }
}
