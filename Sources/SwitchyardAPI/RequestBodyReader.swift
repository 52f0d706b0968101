// Reading a request body under a size limit, and its media type.

import Foundation
import HTTPTypes
public import Hummingbird

extension Request {
    /// The whole body, refused with 413 as soon as it would pass `limit` bytes (a declared
    /// `Content-Length` over the limit is refused before reading anything).
    public func body(upTo limit: Int) async throws -> [UInt8] {
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.bodyTooLarge(limit)
        }
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.readableBytes <= limit else { throw APIError.bodyTooLarge(limit) }
            bytes += chunk.readableBytesView
        }
        return bytes
    }

    /// Refuses with 415 unless the body is declared JSON (`application/json`, parameters allowed).
    public func requireJSON() throws {
        let type = headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "expected Content-Type application/json, got \(headers[.contentType].map { "'\($0)'" } ?? "none")",
                field: "Content-Type")
        }
    }
}

extension APIError {
    static func bodyTooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "body_too_large", "the body is larger than the limit of \(limit) bytes")
    }
}
