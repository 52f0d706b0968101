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
@Suite(.serialized, .timeLimit(.minutes(5))) struct JobAnswerBudgetTests {
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

    /// A large answer goes out as the client takes it, a slice at a time: a client that reads
    /// steadily but slower than the whole answer could go in an idle timeout keeps its
    /// connection and gets all of it, holding the budget while it reads. Before, NIO took the
    /// whole answer at once, the channel stayed unwritable until the client had taken nearly
    /// all of it, and `ResponseWriteDeadline` cut such a client off after the idle timeout.
    ///
    /// `SWITCHYARD_HTTP_MIN_SEND_RATE`: a client that keeps taking a large answer, but slower
    /// than the rate, loses its connection once the answer has been under way for the idle
    /// timeout, and the room its answer held comes back. On a second ingress the rate is 4 MiB/s
    /// and the client takes at most 64 KiB every 100 ms (under 640 KiB/s): its channel turns
    /// writable again well within every idle timeout, so `ResponseWriteDeadline` alone would
    /// let it hold the 48 MiB answer for over a minute.
    @Test func aSteadyReaderGetsALargeAnswerAndOneTooSlowLosesItsConnection() async throws {
        try await withFleet { fleet in
            let limits = [
                "SWITCHYARD_JOB_ANSWER_BUDGET": "\(1 << 20)", "SWITCHYARD_HTTP_BODY_LIMIT": "\(16 << 20)",
                "SWITCHYARD_HTTP_IDLE_TIMEOUT": "\(Self.idleTimeout.components.seconds)",
            ]
            let tenants = try await JobAPITests.Tenants.start(fleet, environment: limits)
            let strict = try await IngressHarness.start(fleet, environment: limits.merging(["SWITCHYARD_HTTP_MIN_SEND_RATE": "\(4 << 20)"]) { $1 })
            let client = HTTPClient(configuration: .init(maxResponseSize: 256 << 20))
            func get(_ path: String, on port: Int) async throws -> HTTPResponse {
                try await client.execute(HTTPRequest(
                    url: "http://127.0.0.1:\(port)\(path)", headers: [HTTPHeader("Authorization", "Bearer \(tenants.a.key)")]))
            }
            try fleet.startWorker(["workflow"], environment: WorkflowHarness.workerEnvironment)
            let text = String(repeating: "x", count: 8 << 20)
            let large = try await tenants.ingress.send(
                .post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":{"text":"\#(text)"}}"#)
            let largeID = try #require(large.json["job_id"] as? String, "\(large.bodyText.prefix(300))")
            var size = 0
            try await eventually("the job to complete", timeout: .seconds(60)) {
                let whole = try await get("/v1/jobs/\(largeID)", on: tenants.ingress.port)
                size = whole.body.count
                return whole.json["status"] as? String == "completed"
            }
            #expect(size > 40 << 20, "read at full speed, the whole answer comes: \(size) bytes")

            /// Reads the large job's answer through a raw connection, a piece every `pause`; while
            /// it reads, another large answer is refused for want of room. Returns what it took
            /// and when the connection closed.
            func readSlowly(on port: Int, pause: Duration) async throws -> (taken: Int, closedAfter: Duration) {
                let reader = try LoopbackClient(port: port)
                defer { reader.close() }
                reader.send("GET /v1/jobs/\(largeID) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(tenants.a.key)\r\nConnection: close\r\n\r\n")
                let started = ContinuousClock.now
                let first = try #require(await reader.receive(atLeast: 12, timeout: .seconds(30)), "the answer starts")
                #expect(String(decoding: first.prefix(12), as: UTF8.self) == "HTTP/1.1 200")
                async let other = get("/v1/jobs/\(largeID)", on: port)
                var taken = first.count
                while ContinuousClock.now - started < .seconds(90) {
                    guard let piece = await reader.receive(atLeast: 1, timeout: .seconds(5)) else { break }
                    taken += piece.count
                    try await Task.sleep(for: pause)
                }
                let refused = try await other
                #expect(refused.status == 503 && refused.errorCode == "answers_busy",
                        "the slow reader's answer held the room: \(refused.status) \(refused.bodyText.prefix(200))")
                return (taken, ContinuousClock.now - started)
            }

            // Up to 64 KiB every 50 ms: about 1.3 MB/s, 35-40 s for the answer, four idle timeouts.
            let steady = try await readSlowly(on: tenants.ingress.port, pause: .milliseconds(50))
            #expect(steady.taken > size, "the steady reader got the whole answer: \(steady.taken) of \(size) bytes in \(steady.closedAfter)")
            #expect(steady.closedAfter > Self.idleTimeout * 2, "it read for longer than the idle timeout: \(steady.closedAfter)")

            let slow = try await readSlowly(on: strict.port, pause: .milliseconds(100))
            #expect(slow.closedAfter < .seconds(60), "the slow client was cut off (\(slow.closedAfter), \(slow.taken) bytes taken)")
            #expect(slow.taken < size, "before it had the whole answer: \(slow.taken) of \(size) bytes")
            #expect(slow.closedAfter > Self.idleTimeout, "not before the answer had been under way for the idle timeout: \(slow.closedAfter)")
            try await eventually("a large answer to be had again", timeout: .seconds(15)) {
                try await get("/v1/jobs/\(largeID)", on: strict.port).status == 200
            }
            await client.shutdown()
            await tenants.ingress.client.shutdown()
            await strict.client.shutdown()
        }
    }
}
