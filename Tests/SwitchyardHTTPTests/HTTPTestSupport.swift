// Helpers the HTTP client suites share: a client that is always shut down, timing.

import SwitchyardHTTP
import SwitchyardTestSupport

/// Runs `body` with a client and a server, then shuts the client down and stops the server.
/// - Parameters:
///   - routes: The server's answers by path.
///   - configuration: The client's settings.
///   - body: The test.
func withClient(
    routes: [String: LoopbackRoute] = [:],
    configuration: HTTPClient.Configuration = HTTPClient.Configuration(userAgent: "switchyard-tests"),
    _ body: (HTTPClient, LoopbackHTTPServer) async throws -> Void
) async throws {
    let server = try LoopbackHTTPServer(routes: routes)
    let client = HTTPClient(configuration: configuration)
    do {
        try await body(client, server)
    } catch {
        await client.shutdown()
        server.stop()
        throw error
    }
    await client.shutdown()
    server.stop()
}

/// How long `body` took.
func measure<T>(_ body: () async throws -> T) async rethrows -> (result: T, elapsed: Duration) {
    let start = ContinuousClock.now
    let result = try await body()
    return (result, ContinuousClock.now - start)
}
