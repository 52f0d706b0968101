// The public HTTP client: validates requests, waits for a worker, forwards cancellation.

/// An HTTP client on libcurl for calling external services.
///
/// Every transfer runs on one of at most ``Configuration/maxConcurrentRequests`` workers, each
/// an actor on its own thread with one reused libcurl handle, so blocking libcurl calls never
/// occupy Swift's cooperative thread pool and connections are kept alive between requests.
/// Requests beyond the limit wait first come, first served. TLS certificates and host names are
/// always verified.
///
/// ```swift
/// let client = HTTPClient(configuration: .init(maxConcurrentRequests: 4))
/// let response = try await client.execute(HTTPRequest(url: "https://api.example.com/v1/models"))
///     .requireSuccess()
/// await client.shutdown()
/// ```
public final class HTTPClient: Sendable {
    /// The settings this client was created with.
    public let configuration: Configuration
    private let pool: HTTPWorkerPool

    /// Creates a client. Worker threads start on demand, one per concurrent request, up to the limit.
    /// - Parameter configuration: Concurrency, default limits, user agent and redirects.
    /// - Precondition: `maxConcurrentRequests` ≥ 1, positive timeouts, `maxResponseSize` ≥ 0,
    ///   `maxRedirects` ≥ 0.
    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.maxConcurrentRequests >= 1, "maxConcurrentRequests must be at least 1")
        precondition(configuration.connectTimeout > .zero, "connectTimeout must be positive")
        precondition(configuration.timeout > .zero, "timeout must be positive")
        precondition(configuration.maxResponseSize >= 0, "maxResponseSize must not be negative")
        precondition(configuration.maxRedirects >= 0, "maxRedirects must not be negative")
        self.configuration = configuration
        self.pool = HTTPWorkerPool(configuration: configuration)
    }

    /// Sends a request and returns the server's response, whatever its status.
    ///
    /// Cancelling the calling task aborts the transfer (or its wait for a worker) within about a
    /// second and throws ``HTTPClientError/Code/cancelled``.
    /// - Parameter request: The request to send.
    /// - Returns: The complete response; use ``HTTPResponse/requireSuccess(now:)`` to reject non-2xx.
    /// - Throws: ``HTTPClientError`` for a request that cannot be sent, a URL the client's
    ///   ``Configuration/outboundPolicy`` refuses, a transport failure, a body over the size
    ///   limit, cancellation, or a client that was shut down.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        // A guarded client refuses a URL it may not fetch before the request takes a worker.
        let checkedURL = configuration.outboundPolicy == nil ? nil : try OutboundURL(checking: request.url)
        try request.validate()
        let worker = try await pool.checkOut()
        defer { pool.checkIn(worker) }
        let cancellation = CurlCancellation()
        return try await withTaskCancellationHandler {
            try await worker.perform(request, checkedURL: checkedURL, cancellation: cancellation)
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// How many requests wait for a free worker now (all ``Configuration/maxConcurrentRequests`` busy).
    var waitingRequests: Int {
        pool.waitingCount
    }

    /// Stops the client: waiting requests fail with ``HTTPClientError/Code/shutdown``, running
    /// ones finish (within their time limits), then every worker closes its connections and
    /// its thread exits. Later calls to ``execute(_:)`` fail with ``HTTPClientError/Code/shutdown``.
    public func shutdown() async {
        await pool.shutdown()
    }
}
