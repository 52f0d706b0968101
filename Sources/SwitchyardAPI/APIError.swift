// Every error the ingress answers: a status and `{"error":{"code","message","field"?,"problems"?}}`.

import Foundation
public import HTTPTypes
public import Hummingbird

/// An error answered as JSON `{"error":{"code":…,"message":…,"field":…}}` with its status (and
/// `Retry-After` when the client should come back).
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code (`invalid_signature`, `body_too_large`, ...).
    public var code: String
    /// What is wrong, for people.
    public var message: String
    /// The request field at fault, when there is one.
    public var field: String?
    /// Seconds after which a retry may succeed.
    public var retryAfter: Int?
    /// Every problem found, when a request has several (the first is also `field` and `message`).
    public var problems: [Problem]?
    /// The methods the path takes, for a 405 (`Allow`).
    public var allow: [String]?

    /// One of several problems with a request.
    public struct Problem: Encodable, Sendable, Equatable {
        /// The request field at fault (a name or a JSON Pointer).
        public var field: String
        /// What is wrong with it.
        public var message: String

        /// Creates a problem.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// An error listing several problems: the first gives `field` and `message`.
    public init(_ status: HTTPResponse.Status, _ code: String, problems: [Problem]) {
        self.init(status, code, problems.first?.message ?? "invalid request", field: problems.first?.field)
        self.problems = problems
    }

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?
            var problems: [Problem]?
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let allow { headers[.allow] = allow.joined(separator: ", ") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }

    /// The body answered: `{"error":{"code","message","field"?,"problems"?}}`, keys sorted.
    public var jsonBody: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and optional strings only: encoding can't fail.
        return (try? Array(encoder.encode(Body(error: .init(code: code, message: message, field: field, problems: problems))))) ?? []
    }

    /// 503: the broker or the database can't take the request now.
    public static func unavailable(_ what: String) -> APIError {
        APIError(.serviceUnavailable, "unavailable", "\(what) is unavailable; nothing was accepted, retry later", retryAfter: 5)
    }
}
