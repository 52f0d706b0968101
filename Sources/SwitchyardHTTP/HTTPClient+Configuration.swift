// The client-wide settings: concurrency, default limits, identity, redirects, the outbound guard.

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
        /// The guard for URLs that come from outside (events, tenants' definitions); `nil`, the
        /// default, for a client that only calls URLs of our own configuration.
        ///
        /// With a policy, every request, and every redirect the client follows, is checked before
        /// any connection: the URL must be `http` or `https` without user information (else
        /// ``HTTPClientError/Code/forbiddenURL``); its host (as libcurl parses it, so numeric
        /// forms such as `2130706433` or `0x7f.1` are the address they stand for) is resolved
        /// once with `getaddrinfo` on the worker's thread, and every address must be allowed by
        /// the policy (else ``HTTPClientError/Code/forbiddenURL`` naming the address and why, and
        /// no request is sent). The transfer is then pinned to those addresses
        /// (`CURLOPT_RESOLVE`), so the host is not looked up again; no proxy is used. libcurl
        /// follows no redirect itself: the client follows up to ``maxRedirects``, each target
        /// checked the same way, POST becoming GET after 301, 302 and 303 and credentials
        /// (`Authorization`, `Cookie`) not sent to another origin; ``HTTPRequest/timeout``
        /// bounds all of it together. The host lookup itself is bounded by the system
        /// resolver's own timeouts, not by the request's.
        public var outboundPolicy: OutboundPolicy?

        /// Creates a configuration.
        /// - Parameters:
        ///   - maxConcurrentRequests: Transfers at once; 8 unless given.
        ///   - connectTimeout: Default connection time limit; 10 s unless given.
        ///   - timeout: Default total time limit; 60 s unless given.
        ///   - maxResponseSize: Default body size limit; 32 MiB unless given.
        ///   - userAgent: The default `User-Agent`; `switchyard` unless given.
        ///   - maxRedirects: Redirects to follow; none unless given.
        ///   - outboundPolicy: The guard for URLs from outside; none unless given.
        public init(
            maxConcurrentRequests: Int = 8,
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(60),
            maxResponseSize: Int = 32 << 20,
            userAgent: String = "switchyard",
            maxRedirects: Int = 0,
            outboundPolicy: OutboundPolicy? = nil
        ) {
            self.maxConcurrentRequests = maxConcurrentRequests
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxResponseSize = maxResponseSize
            self.userAgent = userAgent
            self.maxRedirects = maxRedirects
            self.outboundPolicy = outboundPolicy
        }
    }
}
