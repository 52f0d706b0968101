// A guarded client against live loopback servers: refused URLs send nothing, allowed ones work,
// redirects are checked hop by hop.

import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite struct OutboundGuardTests {
    /// A guarded client's settings with `allowList`.
    static func guarded(_ allowList: String = "", maxRedirects: Int = 0) throws -> HTTPClient.Configuration {
        HTTPClient.Configuration(
            userAgent: "switchyard-tests", maxRedirects: maxRedirects, outboundPolicy: try OutboundPolicy(allowList: allowList))
    }

    /// The ways to write a loopback URL for a server on `port`.
    static let loopbackForms: [@Sendable (Int) -> String] = [
        { "http://127.0.0.1:\($0)/secret" }, { "http://localhost:\($0)/secret" }, { "http://LocalHost:\($0)/secret" },
        { "http://[::1]:\($0)/secret" }, { "http://[::ffff:127.0.0.1]:\($0)/secret" }, { "http://2130706433:\($0)/secret" },
        { "http://0x7f.0.0.1:\($0)/secret" }, { "http://0x7f.1:\($0)/secret" }, { "http://017700000001:\($0)/secret" },
        { "http://127.1:\($0)/secret" }, { "http://%31%32%37.0.0.1:\($0)/secret" }, { "http://0.0.0.0:\($0)/secret" },
        { "https://127.0.0.1:\($0)/secret" },
    ]

    @Test func everyFormOfALoopbackURLIsRefusedWithoutARequest() async throws {
        try await withClient(routes: ["/secret": .text("internal")], configuration: try Self.guarded()) { client, server in
            for form in Self.loopbackForms {
                let url = form(server.port)
                let error = await #expect(throws: HTTPClientError.self, "\(url)") {
                    try await client.execute(HTTPRequest(url: url))
                }
                #expect(error?.code == .forbiddenURL, "\(url): \(String(describing: error))")
                #expect(error?.isTransient == false)
                #expect(error?.message.contains("and not on the allow list") == true, "\(error?.message ?? "")")
            }
            #expect(server.acceptedConnections == 0, "no connection was made")
            #expect(server.requests.isEmpty)
        }
    }

    @Test func theRefusalNamesTheAddressAndItsBlock() async throws {
        try await withClient(configuration: try Self.guarded()) { client, server in
            let literal = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/secret")))
            }
            #expect(literal?.message == "refused http://127.0.0.1:\(server.port): 127.0.0.1 is in 127.0.0.0/8 (loopback) and not on the allow list")
            let named = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "http://localhost:\(server.port)/"))
            }
            #expect(named?.message.hasPrefix("refused http://localhost:\(server.port) (localhost resolves to ") == true, "\(named?.message ?? "")")
            let metadata = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "http://169.254.169.254/latest/meta-data/"))
            }
            #expect(metadata?.message.contains("169.254.0.0/16 (link-local)") == true, "\(metadata?.message ?? "")")
            let privateNetwork = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "http://10.20.30.40:8080/"))
            }
            #expect(privateNetwork?.message.contains("10.0.0.0/8 (private)") == true, "\(privateNetwork?.message ?? "")")
        }
    }

    @Test(arguments: ["ftp://127.0.0.1/file", "file:///etc/passwd", "gopher://example.com/", "dict://example.com:11211/stat",
                      "http://user:pw@example.com/", "http://user@example.com/", "http://:pw@example.com/", "https://user;auth=x@example.com/",
                      "http://[fe80::1%25eth0]/"])
    func otherSchemesAndCredentialsAreRefused(_ url: String) async throws {
        try await withClient(configuration: try Self.guarded("0.0.0.0/0,::/0")) { client, _ in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: url))
            }
            #expect(error?.code == .forbiddenURL, "\(String(describing: error))")
            #expect(error?.message.contains("pw") == false, "the password is not repeated: \(error?.message ?? "")")
        }
    }

    @Test(arguments: ["127.0.0.1:{port}", "127.0.0.0/8", "localhost:{port}"])
    func anAllowListedServerIsReached(_ entry: String) async throws {
        let server = try LoopbackHTTPServer(routes: ["/transcript": .text("Agent: hi")])
        defer { server.stop() }
        let client = HTTPClient(configuration: try Self.guarded(entry.replacing("{port}", with: "\(server.port)")))
        let host = entry.hasPrefix("localhost") ? "localhost" : "127.0.0.1"
        let response = try await client.execute(HTTPRequest(url: "http://\(host):\(server.port)/transcript"))
        await client.shutdown()
        #expect(response.status == 200)
        #expect(response.bodyText == "Agent: hi")
        #expect(server.requests.map(\.path) == ["/transcript"])
        #expect(server.requests.first?.header("Host") == "\(host):\(server.port)")
    }

    @Test func anAllowedHostPortAllowsNoOtherPort() async throws {
        let server = try LoopbackHTTPServer(routes: ["/": .text("ok")])
        defer { server.stop() }
        let client = HTTPClient(configuration: try Self.guarded("127.0.0.1:\(server.port + 1),localhost:\(server.port)"))
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/")))
        }
        await client.shutdown()
        #expect(error?.code == .forbiddenURL, "localhost:PORT allows that host name, not 127.0.0.1:PORT")
        #expect(server.acceptedConnections == 0)
    }

    @Test func aRedirectToAnAddressNotOnTheAllowListIsRefusedBeforeItIsRequested() async throws {
        let target = try LoopbackHTTPServer(routes: ["/steal": .text("internal")])
        defer { target.stop() }
        let start = try LoopbackHTTPServer(routes: ["/start": LoopbackRoute(status: 302, headers: [("Location", target.url("/steal"))])])
        defer { start.stop() }
        let client = HTTPClient(configuration: try Self.guarded("127.0.0.1:\(start.port)", maxRedirects: 5))
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: start.url("/start")))
        }
        await client.shutdown()
        #expect(error?.code == .forbiddenURL)
        #expect(error?.message.contains("127.0.0.1:\(target.port)") == true, "\(error?.message ?? "")")
        #expect(start.requests.map(\.path) == ["/start"])
        #expect(target.acceptedConnections == 0, "the redirect's target saw nothing")
    }

    @Test func aRedirectToAnotherSchemeIsRefused() async throws {
        let routes = ["/start": LoopbackRoute(status: 301, headers: [("Location", "file:///etc/passwd")])]
        try await withClient(routes: routes, configuration: try Self.guarded("127.0.0.0/8", maxRedirects: 5)) { client, server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/start")))
            }
            #expect(error?.code == .forbiddenURL, "\(String(describing: error))")
        }
    }

    @Test func allowedRedirectsAreFollowedByTheClientWithLibcurlsMethodRules() async throws {
        let target = try LoopbackHTTPServer(routes: ["/landed": .text("landed")])
        defer { target.stop() }
        let routes: [String: LoopbackRoute] = [
            "/form": LoopbackRoute(status: 303, headers: [("Location", "/next")]),
            "/next": LoopbackRoute(status: 307, headers: [("Location", target.url("/landed"))]),
        ]
        try await withClient(routes: routes, configuration: try Self.guarded("127.0.0.0/8", maxRedirects: 3)) { client, server in
            let response = try await client.execute(HTTPRequest(
                method: .post, url: server.url("/form"),
                headers: [HTTPHeader("Authorization", "Bearer secret"), HTTPHeader("Content-Type", "application/json")],
                body: Array("{}".utf8)))
            #expect(response.status == 200)
            #expect(response.bodyText == "landed")
            #expect(server.requests.map { "\($0.method) \($0.path)" } == ["POST /form", "GET /next"])
            #expect(server.requests.last?.header("Authorization") == "Bearer secret", "same origin: credentials kept")
            #expect(server.requests.last?.header("Content-Type") == nil, "the body was dropped, and its type")
            let landed = try #require(target.requests.first)
            #expect(landed.method == "GET")
            #expect(landed.header("Authorization") == nil, "another origin gets no credentials")
        }
    }

    @Test func redirectsStopAtTheLimit() async throws {
        let routes = ["/loop": LoopbackRoute(status: 302, headers: [("Location", "/loop")])]
        try await withClient(routes: routes, configuration: try Self.guarded("127.0.0.0/8", maxRedirects: 2)) { client, server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/loop")))
            }
            #expect(error?.curlCode == 47, "CURLE_TOO_MANY_REDIRECTS, as an unguarded client reports it")
            #expect(error?.code == .invalidResponse && error?.isTransient == false, "a loop loops again: no retry")
            #expect(server.requests.count == 3)
        }
        try await withClient(routes: routes, configuration: try Self.guarded("127.0.0.0/8")) { client, server in
            let response = try await client.execute(HTTPRequest(url: server.url("/loop")))
            #expect(response.status == 302, "a client that follows no redirects returns it")
            #expect(server.requests.count == 1)
        }
    }

    @Test func anUnguardedClientStillReachesLoopback() async throws {
        try await withClient(routes: ["/": .text("ok")]) { client, server in
            let response = try await client.execute(HTTPRequest(url: server.url("/")))
            #expect(response.status == 200)
        }
    }
}
