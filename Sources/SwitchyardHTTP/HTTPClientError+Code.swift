// The opaque, extensible kind of an HTTPClientError.

extension HTTPClientError {
    /// The kind of an ``HTTPClientError``. Opaque so that new kinds never break a caller's
    /// `switch`: compare with `==` against the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case invalidRequest, connectTimeout, timeout, connectionFailed, tlsHandshake, tls
            case responseTooLarge, httpStatus, transferFailed, cancelled, shutdown, forbiddenURL, invalidResponse
        }

        let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The request cannot be sent as given: not an `http`/`https` URL, malformed URL, bad
        /// method or header, non-positive limit. Permanent.
        public static let invalidRequest = Code(.invalidRequest)
        /// No connection was established before a time limit ran out. Transient.
        public static let connectTimeout = Code(.connectTimeout)
        /// The exchange ran past its total time limit after connecting. Transient.
        public static let timeout = Code(.timeout)
        /// The connection was refused, reset or closed early, or the host name did not resolve. Transient.
        public static let connectionFailed = Code(.connectionFailed)
        /// The TLS handshake was broken off. Transient.
        public static let tlsHandshake = Code(.tlsHandshake)
        /// The server's certificate was not trusted or did not match, or TLS is misconfigured. Permanent.
        public static let tls = Code(.tls)
        /// The response body exceeded the size limit; the transfer was stopped. Permanent.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The server answered with a status the caller does not accept (see
        /// ``HTTPResponse/requireSuccess(now:)``). Transient for 5xx, 408 and 429.
        public static let httpStatus = Code(.httpStatus)
        /// Any other transport failure reported by libcurl. Transient.
        public static let transferFailed = Code(.transferFailed)
        /// The awaiting task was cancelled; the transfer was aborted. Transient.
        public static let cancelled = Code(.cancelled)
        /// The client was shut down. Transient.
        public static let shutdown = Code(.shutdown)
        /// The client's ``OutboundPolicy`` refused the URL or a redirect's target before any
        /// connection was made: not `http`/`https`, user information in the URL, or an address
        /// that is not public and not allowed. Permanent.
        public static let forbiddenURL = Code(.forbiddenURL)
        /// The server's answer can't be followed or read as HTTP: redirects past the client's
        /// limit, a reply that isn't HTTP/1.x or HTTP/2 (HTTP/0.9 included), or a redirect to a
        /// scheme other than `http` and `https`. Permanent: the same server answers the same.
        public static let invalidResponse = Code(.invalidResponse)

        /// The code's name, for example `timeout`.
        public var description: String { base.rawValue }
    }
}
