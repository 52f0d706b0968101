// The module's one error type: what failed, where it came from, and whether a retry may help.

/// Every failure of ``HTTPClient``: a transport failure reported by libcurl, a request that could
/// not be sent, or (from ``HTTPResponse/requireSuccess(now:)``) a non-2xx status.
///
/// ## Transient or permanent
///
/// ``isTransient`` tells a worker whether to retry (with backoff, or no sooner than
/// ``retryAfter``) or to dead-letter at once:
///
/// | transient (retry) | permanent (dead-letter) |
/// |---|---|
/// | ``Code/timeout``, ``Code/connectTimeout`` | ``Code/invalidRequest`` (bad URL, method, header, limit) |
/// | ``Code/connectionFailed`` (refused, reset, DNS, closed early) | ``Code/tls`` (untrusted certificate, name mismatch) |
/// | ``Code/tlsHandshake`` (handshake broken off) | ``Code/responseTooLarge`` |
/// | ``Code/httpStatus`` 5xx, 408 and 429 | ``Code/httpStatus`` other than those (4xx, 3xx) |
/// | ``Code/transferFailed`` (any other libcurl failure) | |
/// | ``Code/cancelled``, ``Code/shutdown`` (our side stopped; the request itself did not fail) | ``Code/forbiddenURL`` (refused by the client's ``OutboundPolicy``) |
/// | | ``Code/invalidResponse`` (a redirect loop, a reply that isn't HTTP) |
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members of ``Code``.
    public let code: Code
    /// A sentence for logs and dead-letter headers.
    public let message: String
    /// The HTTP status, for ``Code/httpStatus``.
    public let status: Int?
    /// The start of the response body (at most 512 bytes, as UTF-8), for ``Code/httpStatus``.
    public let bodyExcerpt: String?
    /// How long the server asked us to wait (`Retry-After`, seconds or HTTP-date), for ``Code/httpStatus``.
    public let retryAfter: Duration?
    /// The libcurl result code (`CURLcode`) the error came from, if any.
    public let curlCode: Int?
    /// libcurl's own description (its error buffer, else `curl_easy_strerror`), if any.
    public let curlMessage: String?

    /// Creates an error; the client makes these, and so may fakes of services built on it.
    /// - Parameters:
    ///   - code: What kind of failure.
    ///   - message: A sentence saying what happened.
    ///   - status: The HTTP status it came from, if any.
    ///   - bodyExcerpt: The start of the response body, if any.
    ///   - retryAfter: The server's `Retry-After`, if any.
    ///   - curlCode: The libcurl result code, if any.
    ///   - curlMessage: libcurl's description, if any.
    public init(
        code: Code,
        message: String,
        status: Int? = nil,
        bodyExcerpt: String? = nil,
        retryAfter: Duration? = nil,
        curlCode: Int? = nil,
        curlMessage: String? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.bodyExcerpt = bodyExcerpt
        self.retryAfter = retryAfter
        self.curlCode = curlCode
        self.curlMessage = curlMessage
    }

    /// Whether doing the same request again may succeed; see the table on ``HTTPClientError``.
    public var isTransient: Bool {
        switch code.base {
        case .timeout, .connectTimeout, .connectionFailed, .tlsHandshake, .transferFailed, .cancelled, .shutdown:
            true
        case .httpStatus:
            status.map { $0 >= 500 || $0 == 408 || $0 == 429 } ?? false
        case .invalidRequest, .tls, .responseTooLarge, .forbiddenURL, .invalidResponse:
            false
        }
    }

    /// `HTTPClientError(code): message`, then the status, libcurl's code and text where known.
    public var description: String {
        var text = "HTTPClientError(\(code)): \(message)"
        if let retryAfter {
            text += " (retry after \(retryAfter))"
        }
        if let curlCode {
            text += " [curl \(curlCode)\(curlMessage.map { ": \($0)" } ?? "")]"
        }
        if let bodyExcerpt, !bodyExcerpt.isEmpty {
            text += " body: \(bodyExcerpt)"
        }
        return text
    }
}

extension HTTPClientError {
    /// A request that cannot be sent as given.
    static func invalidRequest(_ message: String) -> HTTPClientError {
        HTTPClientError(code: .invalidRequest, message: message)
    }

    /// The client's outbound policy refused the URL; `message` says which and why.
    static func forbiddenURL(_ message: String) -> HTTPClientError {
        HTTPClientError(code: .forbiddenURL, message: "refused \(message)")
    }

    /// The caller's task was cancelled before or during the transfer.
    static func cancelled() -> HTTPClientError {
        HTTPClientError(code: .cancelled, message: "the request was cancelled")
    }

    /// The client was shut down before the request got a worker.
    static func shutdown() -> HTTPClientError {
        HTTPClientError(code: .shutdown, message: "the HTTP client has been shut down")
    }

    /// The response body would have exceeded `limit` bytes.
    static func responseTooLarge(limit: Int) -> HTTPClientError {
        HTTPClientError(code: .responseTooLarge, message: "response body exceeds the limit of \(limit) bytes")
    }
}
