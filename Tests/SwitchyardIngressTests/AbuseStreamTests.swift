import Foundation
import SwitchyardHTTP
import SwitchyardPostgres
import SwitchyardTestSupport
import Synchronization
import Testing

/// Holding the ingress open: live-update streams per tenant, streams of revoked keys, idle and
/// half-sent connections, and more requests than database connections.
@Suite(.serialized, .timeLimit(.minutes(3))) struct AbuseStreamTests {
    /// Two tenants on an ingress with 1 s stream heartbeats and `environment`, and an `echo` job
    /// of tenant A's: its live-update path and A's authorization header.
    static func echoJob(
        _ fleet: Fleet, _ environment: [String: String]
    ) async throws -> (tenants: JobAPITests.Tenants, path: String, auth: [String: String]) {
        let tenants = try await JobAPITests.Tenants.start(fleet, environment: environment.merging(["SWITCHYARD_SSE_HEARTBEAT": "1"]) { $1 })
        let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}")
        let jobID = try #require(created.json["job_id"] as? String)
        return (tenants, "/v1/jobs/\(jobID)/events", ["Authorization": "Bearer \(tenants.a.key)"])
    }

    @Test func aTenantHoldsAtMostItsQuotaOfStreamsAndARevokedKeysStreamsEnd() async throws {
        try await withFleet { fleet in
            let (tenants, path, auth) = try await Self.echoJob(fleet, ["SWITCHYARD_SSE_MAX_PER_TENANT": "2"])
            let ingress = tenants.ingress
            let first = try await EventStreamClient.connect(port: ingress.port, path: path, headers: auth)
            let second = try await EventStreamClient.connect(port: ingress.port, path: path, headers: auth)
            #expect(first.status == 200 && second.status == 200)
            // An open stream is an active request until it ends (and so is this /metrics GET).
            let metrics = try await ingress.get("/metrics").bodyText
            #expect(metrics.contains(#"http_server_active_requests{http_request_method="GET"} 3.0"#), "\(metrics)")
            let third = try await EventStreamClient.connect(port: ingress.port, path: path, headers: auth)
            #expect(third.status == 429, "a third stream of the same tenant is refused")
            third.close()

            let otherJob = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.b.key, body: "{}")
            let otherID = try #require(otherJob.json["job_id"] as? String)
            let other = try await EventStreamClient.connect(
                port: ingress.port, path: "/v1/jobs/\(otherID)/events", headers: ["Authorization": "Bearer \(tenants.b.key)"])
            #expect(other.status == 200, "another tenant's quota is its own")
            other.close()

            second.close()
            var replacement: EventStreamClient?
            try await eventually("a closed stream to give its place back", timeout: .seconds(10)) {
                let attempt = try await EventStreamClient.connect(port: ingress.port, path: path, headers: auth)
                guard attempt.status == 200 else {
                    attempt.close()
                    return false
                }
                replacement = attempt
                return true
            }
            let keyID = try await fleet.text("SELECT id::text FROM api_keys WHERE tenant_id = '\(tenants.a.id)'")
            _ = try EventsTests.cli(fleet, ["keys", "revoke", keyID])
            for stream in [first, try #require(replacement)] {
                let events = try await stream.rest(timeout: .seconds(10))
                #expect(events.last?.event == "revoked", "the stream ends soon after its key is revoked: \(events)")
                stream.close()
            }
            await ingress.client.shutdown()
        }
    }

    @Test func idleAndHalfSentConnectionsAreClosed() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_HTTP_IDLE_TIMEOUT": "1"])
            let silent = try LoopbackClient(port: ingress.port)
            let halfHead = try LoopbackClient(port: ingress.port)
            #expect(halfHead.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
            #expect(await silent.waitForClose(timeout: .seconds(10)), "a connection that sends nothing is closed")
            #expect(await halfHead.waitForClose(timeout: .seconds(10)), "a request head that never ends is closed")
            silent.close()
            halfHead.close()
            #expect(try await ingress.get("/healthz").status == 200)
            await ingress.client.shutdown()
        }
    }

    /// The idle timer restarts on every byte: a request trickled a byte at a time held its
    /// connection for hours. A whole request must arrive within the idle timeout; one whose head
    /// came is told 408. A long answer (a live-update stream) is not a request arriving, and
    /// stays open.
    @Test func aRequestTrickledAByteAtATimeIsCutAtTheIdleTimeout() async throws {
        try await withFleet { fleet in
            let (tenants, path, auth) = try await Self.echoJob(fleet, ["SWITCHYARD_HTTP_IDLE_TIMEOUT": "2"])
            let ingress = tenants.ingress
            let stream = try await EventStreamClient.connect(port: ingress.port, path: path, headers: auth)
            #expect(stream.status == 200)
            let head = try LoopbackClient(port: ingress.port)
            let body = try LoopbackClient(port: ingress.port)
            #expect(body.send(
                "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(tenants.a.key)\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"))
            let started = ContinuousClock.now
            // Each sends a byte every 400 ms, well within the idle timeout, until its connection closes.
            let trickles = [(head, true), (body, false)].map { client, isHead in
                Task {
                    for byte in "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".map(String.init) {
                        guard client.send(isHead ? byte : "x") else { return }
                        try await Task.sleep(for: .milliseconds(400))
                    }
                }
            }
            let answer = await body.receiveUntilClose(timeout: .seconds(15)).map { String(decoding: $0, as: UTF8.self) }
            #expect(answer?.hasPrefix("HTTP/1.1 408") == true && answer?.contains(#""code":"request_timeout""#) == true, "\(answer ?? "still open")")
            #expect(await head.waitForClose(timeout: .seconds(10)), "a trickled head is closed")
            #expect(ContinuousClock.now - started < .seconds(10), "within the idle timeout (2 s), not after the whole trickle (18 s)")
            for trickle in trickles { trickle.cancel() }
            head.close()
            body.close()
            // The stream has been open longer than the idle timeout: the job it follows runs now.
            try fleet.startWorker(["workflow"], environment: WorkflowHarness.workerEnvironment)
            var completed = false
            while !completed, let event = try await stream.next(timeout: .seconds(20)) { completed = event.data.contains(#""completed""#) }
            #expect(completed, "the stream, open for longer than the idle timeout, still delivers")
            stream.close()
            #expect(try await ingress.get("/healthz").status == 200)
            await ingress.client.shutdown()
        }
    }

    @Test func requestsBeyondTheDatabasePoolGet503WithRetryAfterInsteadOfQueueing() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet, environment: ["SWITCHYARD_DATABASE_ACQUIRE_TIMEOUT": "1"])
            let ingress = tenants.ingress
            let locker = try await PostgresConnection.connect(url: fleet.database.url)
            try await locker.executeScript("BEGIN; LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE")
            let client = HTTPClient(configuration: .init(maxConcurrentRequests: 40))
            let answers = Answers()
            let requests = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<40 {
                        group.addTask {
                            guard let answer = try? await client.execute(HTTPRequest(
                                url: "http://127.0.0.1:\(ingress.port)/v1/jobs", headers: [HTTPHeader("Authorization", "Bearer \(tenants.a.key)")]))
                            else { return }
                            answers.list.withLock { $0.append(answer) }
                        }
                    }
                }
            }
            // 24 requests hold the pool's connections, waiting for the lock; the others can't
            // get one within a second.
            try await eventually("requests beyond the pool to be answered", timeout: .seconds(20)) {
                answers.list.withLock { $0.count } >= 16
            }
            let early = answers.list.withLock { $0 }
            #expect(early.allSatisfy { $0.status == 503 && $0.header("Retry-After") != nil }, "\(early.map(\.status))")
            try await locker.executeScript("COMMIT")
            await requests.value
            let all = answers.list.withLock { $0 }
            #expect(all.count == 40)
            #expect(all.filter { $0.status == 200 }.count >= 24, "the waiting requests finish once the lock is gone")
            #expect(all.allSatisfy { [200, 503].contains($0.status) })
            #expect(try await ingress.get("/healthz").status == 200)
            await locker.close()
            await client.shutdown()
            await ingress.client.shutdown()
        }
    }
}

/// Answers collected by concurrent requests.
private final class Answers: Sendable {
    let list = Mutex<[HTTPResponse]>([])
}
