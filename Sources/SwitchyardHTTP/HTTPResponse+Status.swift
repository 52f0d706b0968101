// Turning a non-2xx response into an HTTPClientError.

public import Foundation

extension HTTPResponse {
    /// The most body bytes an ``HTTPClientError`` carries as its excerpt.
    static let bodyExcerptLimit = 512

    /// Returns the response if its status is 2xx, else throws.
    ///
    /// - Parameter now: The current time, to turn an HTTP-date `Retry-After` into a delay.
    /// - Returns: `self`, for chaining (`try await client.execute(request).requireSuccess()`).
    /// - Throws: ``HTTPClientError`` with code ``HTTPClientError/Code/httpStatus``, the status,
    ///   the first 512 body bytes as text and the parsed `Retry-After`; transient for 5xx, 408
    ///   and 429, permanent otherwise.
    @discardableResult
    public func requireSuccess(now: Date = Date()) throws(HTTPClientError) -> HTTPResponse {
        guard !isSuccess else { return self }
        throw HTTPClientError(
            code: .httpStatus,
            message: "the server answered with status \(status)",
            status: status,
            bodyExcerpt: String(decoding: body.prefix(Self.bodyExcerptLimit), as: UTF8.self),
            retryAfter: retryAfter(now: now)
        )
    }
}
