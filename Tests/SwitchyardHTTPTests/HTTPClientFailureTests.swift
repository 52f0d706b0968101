// Transport failures map to the right error code and transient/permanent class.

import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite struct HTTPClientFailureTests {
    @Test func aSlowServerTimesOutWithinTheLimit() async throws {
        try await withClient(routes: ["/slow": .text("late", delay: .seconds(20))]) { client, server in
            let timeout = Duration.milliseconds(500)
            let (error, elapsed) = await measure {
                await #expect(throws: HTTPClientError.self) {
                    try await client.execute(HTTPRequest(url: server.url("/slow"), timeout: timeout))
                }
            }
            #expect(error?.code == .timeout)
            #expect(error?.isTransient == true)
            #expect(error?.curlCode == 28)
            #expect(elapsed >= timeout)
            #expect(elapsed < timeout + .seconds(2))
            #expect(await server.waitUntil { $0.abandonedRequests == 1 })
        }
    }

    @Test func aTimeoutOnAReusedConnectionIsStillATimeout() async throws {
        let routes = ["/fast": LoopbackRoute.text("ok"), "/slow": .text("late", delay: .seconds(20))]
        try await withClient(routes: routes) { client, server in
            _ = try await client.execute(HTTPRequest(url: server.url("/fast")))
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/slow"), timeout: .milliseconds(300)))
            }
            #expect(error?.code == .timeout)
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test func aStalledHandshakeIsAConnectTimeout() async throws {
        let listener = try LoopbackStalledListener()
        defer { listener.close() }
        let client = HTTPClient()
        let connectTimeout = Duration.milliseconds(300)
        let (error, elapsed) = await measure {
            await #expect(throws: HTTPClientError.self) {
                let url = "http://127.0.0.1:\(listener.port)/"
                return try await client.execute(HTTPRequest(url: url, connectTimeout: connectTimeout))
            }
        }
        await client.shutdown()
        #expect(error?.code == .connectTimeout)
        #expect(error?.isTransient == true)
        #expect(elapsed < connectTimeout + .seconds(2))
    }

    @Test func aPortWithoutListenerIsAConnectionFailure() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        await client.shutdown()
        #expect(error?.code == .connectionFailed)
        #expect(error?.isTransient == true)
        #expect(error?.curlCode == 7)
        #expect(error?.curlMessage?.isEmpty == false)
    }

    @Test func aDroppedConnectionIsAConnectionFailure() async throws {
        try await withClient(routes: ["/drop": LoopbackRoute(behavior: .dropConnection)]) { client, server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/drop")))
            }
            #expect(error?.code == .connectionFailed)
            #expect(error?.isTransient == true)
        }
    }

    @Test(arguments: [false, true])
    func anOversizeBodyIsCutOffWhileStreaming(chunked: Bool) async throws {
        let total = 64 << 20
        let limit = 64 << 10
        let routes = ["/big": LoopbackRoute(behavior: .stream(bytes: total, chunked: chunked))]
        try await withClient(routes: routes) { client, server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/big"), maxResponseSize: limit))
            }
            #expect(error?.code == .responseTooLarge)
            #expect(error?.isTransient == false)

            // The server could not send everything: the client hung up early.
            #expect(await server.waitUntil { !$0.streams.isEmpty })
            let stream = try #require(server.streams.first)
            #expect(!stream.completed)
            #expect(stream.sentBytes < total / 4)
        }
    }

    @Test func aBodyExactlyAtTheLimitIsAccepted() async throws {
        let routes: [String: LoopbackRoute] = [
            "/fits": LoopbackRoute(body: [UInt8](repeating: 7, count: 1_000)),
            "/over": LoopbackRoute(body: [UInt8](repeating: 7, count: 1_001)),
        ]
        try await withClient(routes: routes, configuration: .init(maxResponseSize: 1_000)) { client, server in
            let response = try await client.execute(HTTPRequest(url: server.url("/fits")))
            #expect(response.body.count == 1_000)
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/over")))
            }
            #expect(error?.code == .responseTooLarge)
        }
    }

    /// A caller's URL of any length is refused at once: the message quotes it redacted, and the
    /// redaction backtracked for hours on 200,000 characters, holding the worker's slot.
    @Test(.timeLimit(.minutes(1)), arguments: ["ftp://", "http://127.0.0.1/ "])
    func aHugeInvalidURLIsRefusedWithoutStalling(prefix: String) async throws {
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: prefix + String(repeating: "x", count: 200_000)))
        }
        await client.shutdown()
        #expect(error?.code == .invalidRequest)
        #expect((error?.message.count ?? .max) < 300)
    }

    @Test(arguments: ["not a url", "127.0.0.1:8080/x", "ftp://127.0.0.1/x", "http://127.0.0.1/a b", "http://[::1/x", ""])
    func anInvalidURLIsAPermanentInvalidRequest(url: String) async throws {
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: url))
        }
        await client.shutdown()
        #expect(error?.code == .invalidRequest)
        #expect(error?.isTransient == false)
    }

    @Test func headerInjectionAndBadLimitsAreInvalidRequests() async throws {
        let client = HTTPClient()
        let url = "http://127.0.0.1:9/"
        let requests = [
            HTTPRequest(url: url, headers: [HTTPHeader("X-A", "1\r\nX-Injected: 2")]),
            HTTPRequest(url: url, headers: [HTTPHeader("Bad Name", "1")]),
            HTTPRequest(method: HTTPMethod("GET /x"), url: url),
            HTTPRequest(url: url, timeout: .zero),
            HTTPRequest(url: url, maxResponseSize: -1),
        ] + ["Content-Length", "transfer-encoding", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", "TE", "Trailer"].map {
            // A value of the caller's would frame the body, or the pooled connection's next
            // request, differently from how libcurl sends it.
            HTTPRequest(method: .post, url: url, headers: [HTTPHeader($0, "0")], body: Array("GET /smuggled HTTP/1.1\r\n\r\n".utf8))
        }
        for request in requests {
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(request)
            }
            #expect(error?.code == .invalidRequest)
        }
        await client.shutdown()
    }
}
