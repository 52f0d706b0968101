// How an external call failed, in the terms a worker acts on: retry, wait, or give up.

/// How an external call failed, classified for retrying.
public struct ProviderError: Error, Sendable, Equatable {
    /// What to do about it.
    public enum Kind: Sendable, Equatable {
        /// Network trouble, 5xx, timeouts: retry with backoff.
        case transient
        /// 429: retry no sooner than this.
        case rateLimited(retryAfter: Duration)
        /// 4xx, invalid output: retrying won't help.
        case permanent
    }

    public var kind: Kind
    /// A short class for grouping dead letters (`upstream_5xx`, `invalid_json`, ...).
    public var errorClass: String
    /// What went wrong.
    public var message: String
    /// The HTTP status, when there was an answer.
    public var statusCode: Int?

    /// Creates an error.
    public init(_ kind: Kind, _ errorClass: String, _ message: String, statusCode: Int? = nil) {
        self.kind = kind
        self.errorClass = errorClass
        self.message = message
        self.statusCode = statusCode
    }
}
