// Requests and responses arrive intact; connections are reused; redirects follow the policy.

import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite struct HTTPClientRoundTripTests {
    @Test func getSendsMethodTargetAndHeadersAndReturnsTheResponse() async throws {
        let route = LoopbackRoute(
            status: 200,
            headers: [
                ("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("X-Trace", "t-9"), ("Set-Cookie", "b=2"),
            ],
            body: Array(#"{"ok":true}"#.utf8)
        )
        try await withClient(routes: ["/items": route]) { client, server in
            let response = try await client.execute(HTTPRequest(
                url: server.url("/items?limit=2"),
                headers: [
                    HTTPHeader("Accept", "application/json"), HTTPHeader("X-Request-Id", "r-1"), HTTPHeader("X-Empty", ""),
                ]
            ))

            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("X-TRACE") == "t-9")
            #expect(response.headers(named: "set-cookie") == ["a=1", "b=2"])
            #expect(response.bodyText == #"{"ok":true}"#)
            #expect(response.isSuccess)

            let received = try #require(server.requests.first)
            #expect(received.method == "GET")
            #expect(received.target == "/items?limit=2")
            #expect(received.header("Accept") == "application/json")
            #expect(received.header("X-Request-Id") == "r-1")
            #expect(received.header("X-Empty") == "")
            #expect(received.header("User-Agent") == "switchyard-tests")
            #expect(received.header("Content-Length") == nil)
            #expect(received.body.isEmpty)
        }
    }

    @Test func postSendsTheExactBodyAndHeadersInOrder() async throws {
        let body = (0...255).map(UInt8.init) + Array("\r\n\r\nend".utf8)
        try await withClient(routes: ["/upload": .text("stored", status: 201)]) { client, server in
            let response = try await client.execute(HTTPRequest(
                method: .post,
                url: server.url("/upload"),
                headers: [
                    HTTPHeader("Content-Type", "application/octet-stream"), HTTPHeader("X-B", "2"), HTTPHeader("X-A", "1"),
                ],
                body: body
            ))

            #expect(response.status == 201)
            #expect(response.bodyText == "stored")
            let received = try #require(server.requests.first)
            #expect(received.method == "POST")
            #expect(received.body == body)
            #expect(received.header("Content-Length") == "\(body.count)")
            #expect(received.headers(named: "Content-Type") == ["application/octet-stream"])
            #expect(received.header("Expect") == nil)
            #expect(received.headers.map(\.name).filter { $0.hasPrefix("X-") } == ["X-B", "X-A"])
        }
    }

    @Test func otherMethodsKeepTheirNameAndAddNoContentType() async throws {
        try await withClient(routes: ["/r": .text("ok")]) { client, server in
            _ = try await client.execute(HTTPRequest(method: .put, url: server.url("/r"), body: Array("{}".utf8)))
            _ = try await client.execute(HTTPRequest(method: .delete, url: server.url("/r")))
            _ = try await client.execute(HTTPRequest(method: .patch, url: server.url("/r")))

            let received = server.requests
            #expect(received.map(\.method) == ["PUT", "DELETE", "PATCH"])
            #expect(received[0].body == Array("{}".utf8))
            #expect(received[0].header("Content-Type") == nil)
            #expect(received[1].header("Content-Length") == nil)
            #expect(received[2].header("Content-Length") == "0")
        }
    }

    @Test func headReturnsHeadersWithoutBodyWhateverTheSizeLimit() async throws {
        let route = LoopbackRoute(body: [UInt8](repeating: 1, count: 100))
        try await withClient(routes: ["/h": route]) { client, server in
            let response = try await client.execute(HTTPRequest(method: .head, url: server.url("/h"), maxResponseSize: 10))
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "100")
            #expect(response.body.isEmpty)
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withClient(routes: ["/a": .text("a"), "/b": .text("b")]) { client, server in
            for index in 0..<6 {
                let path = index.isMultiple(of: 2) ? "/a" : "/b"
                let method: HTTPMethod = index.isMultiple(of: 3) ? .post : .get
                let request = HTTPRequest(method: method, url: server.url(path), body: method == .post ? [1] : nil)
                let response = try await client.execute(request)
                #expect(response.status == 200)
            }
            #expect(server.requests.count == 6)
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test func redirectsAreReturnedUnlessTheClientFollowsThem() async throws {
        let routes: [String: LoopbackRoute] = [
            "/old": LoopbackRoute(status: 302, headers: [("Location", "/new")]),
            "/new": .text("moved here"),
            "/loop": LoopbackRoute(status: 302, headers: [("Location", "/loop")]),
        ]
        try await withClient(routes: routes) { client, server in
            let response = try await client.execute(HTTPRequest(url: server.url("/old")))
            #expect(response.status == 302)
            #expect(response.header("location") == "/new")
        }
        try await withClient(routes: routes, configuration: .init(maxRedirects: 2)) { client, server in
            let response = try await client.execute(HTTPRequest(url: server.url("/old")))
            #expect(response.status == 200)
            #expect(response.bodyText == "moved here")
            #expect(response.header("Location") == nil)
            #expect(server.requests.map(\.path) == ["/old", "/new"])
            // The same server will loop again: permanent, naming the limit.
            let loop = await #expect(throws: HTTPClientError.self) { try await client.execute(HTTPRequest(url: server.url("/loop"))) }
            #expect(loop?.code == .invalidResponse && loop?.isTransient == false, "\(loop.map { "\($0)" } ?? "")")
            #expect(loop?.curlMessage?.contains("Maximum (2) redirects") == true)
        }
    }
}
