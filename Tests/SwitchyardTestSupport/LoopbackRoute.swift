// What the loopback test server answers on one path.

/// The scripted answer of ``LoopbackHTTPServer`` for one path.
public struct LoopbackRoute: Sendable {
    /// How the server answers after the delay.
    public enum Behavior: Sendable {
        /// Sends the status, headers and body (with `Content-Length`).
        case respond
        /// Closes the connection without answering.
        case dropConnection
        /// Sends the status and headers, then `bytes` body bytes in 64 KiB pieces, chunked or
        /// with `Content-Length`, recording how far it got (``LoopbackHTTPServer/streams``).
        case stream(bytes: Int, chunked: Bool)
    }

    /// The status code.
    public var status: Int
    /// Extra header fields, in order (`Content-Length` is added for ``Behavior/respond``).
    public var headers: [(name: String, value: String)]
    /// The body for ``Behavior/respond``.
    public var body: [UInt8]
    /// How long to wait before answering; the wait ends early if the client hangs up.
    public var delay: Duration
    /// How to answer.
    public var behavior: Behavior

    /// Creates a route.
    /// - Parameters:
    ///   - status: The status code; 200 unless given.
    ///   - headers: Extra header fields.
    ///   - body: The body for ``Behavior/respond``.
    ///   - delay: The wait before answering.
    ///   - behavior: How to answer; ``Behavior/respond`` unless given.
    public init(
        status: Int = 200,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        delay: Duration = .zero,
        behavior: Behavior = .respond
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.behavior = behavior
    }

    /// A `text/plain` answer.
    /// - Parameters:
    ///   - text: The body, sent as UTF-8.
    ///   - status: The status code; 200 unless given.
    ///   - headers: Extra header fields after `Content-Type`.
    ///   - delay: The wait before answering.
    public static func text(
        _ text: String,
        status: Int = 200,
        headers: [(name: String, value: String)] = [],
        delay: Duration = .zero
    ) -> LoopbackRoute {
        LoopbackRoute(
            status: status,
            headers: [("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Array(text.utf8),
            delay: delay
        )
    }
}
