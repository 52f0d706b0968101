// The client-wide settings: concurrency, default limits, identity, redirects.

extension HTTPClient {
    /// Settings for one ``HTTPClient``. Per-request limits in ``HTTPRequest`` override the defaults.
    public struct Configuration: Sendable {
        /// How many transfers run at once; each runs on its own thread with its own kept-alive
        /// connections. Further requests wait, first come first served. At least 1.
        public var maxConcurrentRequests: Int
        /// The default longest wait for the TCP (and TLS) connection. Positive.
        public var connectTimeout: Duration
        /// The default longest time for a whole exchange, connection included. Positive.
        public var timeout: Duration
        /// The default most response-body bytes to accept. Not negative.
        public var maxResponseSize: Int
        /// The `User-Agent` sent unless a request sets its own.
        public var userAgent: String
        /// How many redirects to follow (to `http`/`https` only); 0, the default, follows none
        /// and returns the 3xx response.
        public var maxRedirects: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - maxConcurrentRequests: Transfers at once; 8 unless given.
        ///   - connectTimeout: Default connection time limit; 10 s unless given.
        ///   - timeout: Default total time limit; 60 s unless given.
        ///   - maxResponseSize: Default body size limit; 32 MiB unless given.
        ///   - userAgent: The default `User-Agent`; `switchyard` unless given.
        ///   - maxRedirects: Redirects to follow; none unless given.
        public init(
            maxConcurrentRequests: Int = 8,
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(60),
            maxResponseSize: Int = 32 << 20,
            userAgent: String = "switchyard",
            maxRedirects: Int = 0
        ) {
            self.maxConcurrentRequests = maxConcurrentRequests
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxResponseSize = maxResponseSize
            self.userAgent = userAgent
            self.maxRedirects = maxRedirects
        }
    }
}
