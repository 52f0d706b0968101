// The concurrency limit, FIFO waiting, cancellation, shutdown, and no cooperative-pool blocking.

@testable import SwitchyardHTTP
import SwitchyardTestSupport
import Synchronization
import Testing

@Suite struct HTTPClientConcurrencyTests {
    /// Four transfers at once block four worker threads; were they on the cooperative pool (two
    /// threads here) the server could never see four at once, and the ticker would starve.
    @Test func manyRequestsShareTheLimitWithoutBlockingTheCooperativePool() async throws {
        let routes = ["/work": LoopbackRoute.text("done", delay: .milliseconds(150))]
        try await withClient(routes: routes, configuration: .init(maxConcurrentRequests: 4)) { client, server in
            let finished = Atomic<Bool>(false)
            let ticker = Task {
                var ticks = 0
                while !finished.load(ordering: .relaxed) {
                    try? await Task.sleep(for: .milliseconds(5))
                    ticks += 1
                }
                return ticks
            }
            let (statuses, elapsed) = try await measure {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<32 {
                        group.addTask {
                            try await client.execute(HTTPRequest(url: server.url("/work?n=\(index)"))).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            finished.store(true, ordering: .relaxed)
            let ticks = await ticker.value

            #expect(statuses == Array(repeating: 200, count: 32))
            #expect(server.requests.count == 32)
            #expect(server.maxConcurrentRequests == 4)
            #expect(server.acceptedConnections <= 4)
            #expect(elapsed >= .milliseconds(150 * 8))
            #expect(ticks >= 40, "the cooperative pool stalled: \(ticks) ticks in \(elapsed)")
        }
    }

    @Test func cancellingDuringTheTransferAbortsItPromptly() async throws {
        try await withClient(routes: ["/slow": .text("late", delay: .seconds(30))]) { client, server in
            let task = Task { try await client.execute(HTTPRequest(url: server.url("/slow"))) }
            #expect(await server.waitUntil { $0.requests.count == 1 })

            let (result, elapsed) = await measure {
                task.cancel()
                return await task.result
            }
            if case .failure(let error as HTTPClientError) = result {
                #expect(error.code == .cancelled)
            } else {
                Issue.record("expected a cancelled error, got \(result)")
            }
            #expect(elapsed < .seconds(2))
            #expect(await server.waitUntil { $0.abandonedRequests == 1 })
        }
    }

    @Test func cancellingWhileWaitingForAWorkerLeavesTheLine() async throws {
        let routes = ["/slow": LoopbackRoute.text("late", delay: .seconds(30)), "/fast": .text("quick")]
        try await withClient(routes: routes, configuration: .init(maxConcurrentRequests: 1)) { client, server in
            let busy = Task { try await client.execute(HTTPRequest(url: server.url("/slow"))) }
            #expect(await server.waitUntil { $0.requests.count == 1 })
            let waiting = Task { try await client.execute(HTTPRequest(url: server.url("/fast"))) }
            try await Task.sleep(for: .milliseconds(100))

            let (result, elapsed) = await measure {
                waiting.cancel()
                return await waiting.result
            }
            if case .failure(let error as HTTPClientError) = result {
                #expect(error.code == .cancelled)
            } else {
                Issue.record("expected a cancelled error, got \(result)")
            }
            #expect(elapsed < .milliseconds(500))
            #expect(server.requests.map(\.path) == ["/slow"])

            busy.cancel()
            _ = await busy.result
            // The worker is free again and serves the next request.
            #expect(try await client.execute(HTTPRequest(url: server.url("/fast"))).bodyText == "quick")
        }
    }

    @Test func waitersAreServedFirstComeFirstServed() async throws {
        let routes = ["/hold": LoopbackRoute.text("held", delay: .milliseconds(300)), "/n": .text("n")]
        try await withClient(routes: routes, configuration: .init(maxConcurrentRequests: 1)) { client, server in
            let holder = Task { try await client.execute(HTTPRequest(url: server.url("/hold"))) }
            #expect(await server.waitUntil { $0.requests.count == 1 })
            var waiters: [Task<HTTPResponse, any Error>] = []
            for index in 0..<5 {
                waiters.append(Task { try await client.execute(HTTPRequest(url: server.url("/n?i=\(index)"))) })
                try await eventually("request \(index) to wait in line", timeout: .seconds(5)) { client.waitingRequests == index + 1 }
            }
            _ = try await holder.value
            for waiter in waiters {
                _ = try await waiter.value
            }
            #expect(server.requests.map(\.target) == ["/hold"] + (0..<5).map { "/n?i=\($0)" })
        }
    }

    @Test func shutdownFailsWaitersLetsRunningRequestsFinishAndRejectsNewOnes() async throws {
        let server = try LoopbackHTTPServer(routes: ["/hold": .text("held", delay: .milliseconds(300))])
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maxConcurrentRequests: 1))
        let running = Task { try await client.execute(HTTPRequest(url: server.url("/hold"))) }
        #expect(await server.waitUntil { $0.requests.count == 1 })
        let waiting = Task { try await client.execute(HTTPRequest(url: server.url("/hold"))) }
        try await Task.sleep(for: .milliseconds(50))

        await client.shutdown()

        #expect(try await running.value.status == 200)
        if case .failure(let error as HTTPClientError) = await waiting.result {
            #expect(error.code == .shutdown)
        } else {
            Issue.record("the waiting request should fail with shutdown")
        }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/hold")))
        }
        #expect(error?.code == .shutdown)
        #expect(server.requests.count == 1)
    }
}
