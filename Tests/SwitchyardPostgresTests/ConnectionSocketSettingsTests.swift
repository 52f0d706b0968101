import Foundation
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// A server that vanishes without closing its connections is noticed within about a minute
/// (keepalives and a TCP user timeout on every connection) and a connect that gets no answer
/// gives up after 10 s, unless the URL says otherwise.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConnectionSocketSettingsTests {
    /// The kernel's settings of the connection's socket, found in this process by the port
    /// the server sees it from.
    @Test func connectionsKeepAliveAndTimeOutUnacknowledgedSends() async throws {
        let connection = try await TestDatabase.connect()
        let socket = try #require(try await ownSocket(of: connection))
        #expect(socketOption(socket, SOL_SOCKET, SO_KEEPALIVE) == 1)
        #expect(socketOption(socket, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 30)
        #expect(socketOption(socket, Int32(IPPROTO_TCP), TCP_KEEPINTVL) == 10)
        #expect(socketOption(socket, Int32(IPPROTO_TCP), TCP_KEEPCNT) == 3)
        #expect(socketOption(socket, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT) == 60_000)
    }

    /// Settings in the URL win over the defaults.
    @Test func theURLsOwnSettingsWin() async throws {
        let base = TestDatabase.url()
        let url = base + (base.contains("?") ? "&" : "?") + "keepalives_idle=7&tcp_user_timeout=1234"
        let connection = try await PostgresConnection.connect(url: url)
        let socket = try #require(try await ownSocket(of: connection))
        #expect(socketOption(socket, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 7)
        #expect(socketOption(socket, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT) == 1234)
        #expect(socketOption(socket, Int32(IPPROTO_TCP), TCP_KEEPINTVL) == 10)
    }

    /// A server that takes the TCP connection and never answers (a listener that accepts
    /// nothing: the kernel completes the handshake) fails the connect after 10 s.
    @Test func aConnectNobodyAnswersGivesUpAfterTenSeconds() async throws {
        let (listener, port) = try boundLoopbackSocket()
        defer { close(listener) }
        try #require(listen(listener, 8) == 0)

        let started = ContinuousClock.now
        let connect = Task { try await PostgresConnection.connect(url: "postgresql://nobody@127.0.0.1:\(port)/silent") }
        // Waited for apart, so that a connect without a timeout fails the test instead of
        // holding it (a libpq call can't be cancelled).
        let outcome = try #require(await result(of: connect, within: .seconds(20)), "the connect was still waiting after 20 s")
        #expect(throws: PostgresError.self) { try outcome.get() }
        let waited = ContinuousClock.now - started
        #expect(waited >= .seconds(9) && waited < .seconds(15), "gave up after \(waited)")
    }
}

/// This process's descriptor of `connection`'s socket: the TCP socket whose local port is the
/// client port the server reports.
private func ownSocket(of connection: PostgresConnection) async throws -> Int32? {
    let port = try await connection.query("SELECT inet_client_port()")[0].decode(Int.self, at: 0)
    let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { Int32($0) }
    return descriptors.first { descriptor in
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
        }
        return named && address.sin_family == sa_family_t(AF_INET) && Int(UInt16(bigEndian: address.sin_port)) == port
    }
}

/// An integer socket option's value, or nil when it can't be read.
private func socketOption(_ descriptor: Int32, _ level: Int32, _ name: Int32) -> Int32? {
    var value: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    return getsockopt(descriptor, level, name, &value, &length) == 0 ? value : nil
}

/// `task`'s result, or nil when it has none within `timeout` (the task then goes on alone).
private func result<T: Sendable>(of task: Task<T, any Error>, within timeout: Duration) async -> Result<T, any Error>? {
    let (outcomes, outcome) = AsyncStream<Result<T, any Error>?>.makeStream()
    Task { outcome.yield(await task.result) }
    Task {
        try? await Task.sleep(for: timeout)
        outcome.yield(nil)
    }
    for await first in outcomes { return first }
    return nil
}
