// The request value callers hand to HTTPClient.

/// An HTTP request: method, URL, ordered headers, an optional body, and optional per-request limits
/// that override the client's ``HTTPClient/Configuration``.
public struct HTTPRequest: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// An absolute `http://` or `https://` URL.
    public var url: String
    /// Header fields, sent in this order after the ones libcurl adds (`Host`, `User-Agent`,
    /// `Accept`, `Content-Length`); a field named here replaces libcurl's own.
    public var headers: [HTTPHeader]
    /// The request body. `nil` sends none, except that `POST`, `PUT` and `PATCH` then send an empty
    /// one (`Content-Length: 0`). No `Content-Type` is added for you.
    public var body: [UInt8]?
    /// The longest wait for the TCP (and TLS) connection; `nil` uses the client's default.
    public var connectTimeout: Duration?
    /// The longest the whole exchange may take, connection included; `nil` uses the client's default.
    public var timeout: Duration?
    /// The most response-body bytes to accept; `nil` uses the client's default.
    public var maxResponseSize: Int?

    /// Creates a request.
    /// - Parameters:
    ///   - method: The request method; `GET` unless given.
    ///   - url: An absolute `http://` or `https://` URL.
    ///   - headers: Header fields, in sending order.
    ///   - body: The body bytes, or `nil` for none.
    ///   - connectTimeout: Overrides ``HTTPClient/Configuration/connectTimeout``; must be positive.
    ///   - timeout: Overrides ``HTTPClient/Configuration/timeout``; must be positive.
    ///   - maxResponseSize: Overrides ``HTTPClient/Configuration/maxResponseSize``; must not be negative.
    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        connectTimeout: Duration? = nil,
        timeout: Duration? = nil,
        maxResponseSize: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseSize = maxResponseSize
    }
}
