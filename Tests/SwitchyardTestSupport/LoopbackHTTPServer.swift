// A scripted HTTP/1.1 server on 127.0.0.1 for client tests: real sockets, its own threads.

import Foundation
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1 with a port of its own, answering each path as its
/// ``LoopbackRoute`` says (404 for others) and recording what it saw.
///
/// One thread accepts, one thread serves each connection (keep-alive: many requests per
/// connection); at most 64 connections at once. Every wait is a poll of at most 50 ms, so the
/// threads end soon after ``stop()``, and the server stops by itself after `lifetime`.
///
/// ```swift
/// let server = try LoopbackHTTPServer(routes: ["/hello": .text("hi")])
/// defer { server.stop() }
/// // request server.url("/hello")
/// ```
public final class LoopbackHTTPServer: Sendable {
    /// What one ``LoopbackRoute/Behavior/stream(bytes:chunked:)`` answer achieved.
    public struct StreamResult: Sendable {
        /// The request path.
        public let path: String
        /// Body bytes the server managed to send.
        public let sentBytes: Int
        /// Body bytes it meant to send.
        public let totalBytes: Int
        /// Whether it sent them all (false: the client closed the connection first).
        public var completed: Bool { sentBytes == totalBytes }
    }

    struct State {
        var isStopping = false
        var requests: [LoopbackRequest] = []
        var acceptedConnections = 0
        var openConnections = 0
        var activeRequests = 0
        var maxActiveRequests = 0
        var abandonedRequests = 0
        var streams: [StreamResult] = []
        var answered: [String: Int] = [:]
    }

    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    let scripts: [String: [LoopbackRoute]]
    let state = Mutex(State())
    private let deadline: ContinuousClock.Instant
    private static let maxConnections = 64

    /// Starts listening and serving.
    /// - Parameters:
    ///   - routes: The answer for each path (the request target without its query).
    ///   - lifetime: After this the server stops by itself; 60 s unless given.
    /// - Throws: ``LoopbackServerError`` if the socket cannot be set up.
    public convenience init(routes: [String: LoopbackRoute], lifetime: Duration = .seconds(60)) throws {
        try self.init(scripts: routes.mapValues { [$0] }, lifetime: lifetime)
    }

    /// Starts listening and serving scripted answers: the n-th request to a path gets the
    /// n-th answer of its script, and every request after the last gets the last.
    /// - Parameters:
    ///   - scripts: The answers for each path, in order (none: 404).
    ///   - lifetime: After this the server stops by itself; 60 s unless given.
    /// - Throws: ``LoopbackServerError`` if the socket cannot be set up.
    public init(scripts: [String: [LoopbackRoute]], lifetime: Duration = .seconds(60)) throws {
        let (listener, port) = try LoopbackSocket.listen()
        self.port = port
        self.scripts = scripts
        deadline = .now + lifetime
        startThread(name: "loopback-http-accept") { [self] in
            acceptConnections(on: listener)
        }
    }

    /// `http://127.0.0.1:<port><path>`.
    /// - Parameter path: The path and query, starting with `/`.
    public func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Tells the threads to stop accepting, close every connection and end, which they do
    /// within about 50 ms. Returns at once, so it may be called from async code.
    public func stop() {
        state.withLock { $0.isStopping = true }
    }

    /// Every request received so far, in arrival order.
    public var requests: [LoopbackRequest] { state.withLock { $0.requests } }
    /// How many TCP connections were accepted.
    public var acceptedConnections: Int { state.withLock { $0.acceptedConnections } }
    /// The most requests that were being answered at the same moment.
    public var maxConcurrentRequests: Int { state.withLock { $0.maxActiveRequests } }
    /// Requests whose client hung up while the server was still delaying its answer.
    public var abandonedRequests: Int { state.withLock { $0.abandonedRequests } }
    /// The outcome of every streamed answer that has ended.
    public var streams: [StreamResult] { state.withLock { $0.streams } }

    /// Waits until `condition` holds, polling every 10 ms.
    /// - Parameters:
    ///   - timeout: The longest wait; 5 s unless given.
    ///   - condition: What to wait for.
    /// - Returns: Whether it held before the timeout.
    public func waitUntil(timeout: Duration = .seconds(5), _ condition: (LoopbackHTTPServer) -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while !condition(self) {
            guard ContinuousClock.now < end else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// A port on 127.0.0.1 with no listener (bound once by the kernel's choice, then released).
    /// - Throws: ``LoopbackServerError`` if no socket can be made.
    public static func unusedPort() throws -> Int {
        let (socket, port) = try LoopbackSocket.listen()
        socket.close()
        return port
    }

    /// Whether threads should wind down: ``stop()`` was called or the lifetime is over.
    var shouldStop: Bool {
        state.withLock { $0.isStopping } || ContinuousClock.now >= deadline
    }

    private func acceptConnections(on listener: LoopbackSocket) {
        defer { listener.close() }
        while !shouldStop {
            guard let connection = listener.accept() else { continue }
            let admitted = state.withLock { state in
                state.acceptedConnections += 1
                guard state.openConnections < Self.maxConnections else { return false }
                state.openConnections += 1
                return true
            }
            guard admitted else {
                connection.close()
                continue
            }
            startThread(name: "loopback-http-connection") { [self] in
                serve(connection)
                state.withLock { $0.openConnections -= 1 }
            }
        }
    }

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}
