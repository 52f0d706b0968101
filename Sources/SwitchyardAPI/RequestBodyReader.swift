// Reading a request body under a size limit, and its media type.

import Foundation
import HTTPTypes
public import Hummingbird
import NIOHTTP1

extension Request {
    /// The whole body, refused with 413 as soon as it would pass `limit` bytes (a declared
    /// `Content-Length` over the limit is refused before reading anything), and with 400
    /// `malformed_request` when its framing breaks (an invalid chunk size, say).
    public func body(upTo limit: Int) async throws -> [UInt8] {
        if let declared = headers.value(of: .contentLength).flatMap(Int.init), declared > limit {
            throw APIError.bodyTooLarge(limit)
        }
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                guard bytes.count + chunk.readableBytes <= limit else { throw APIError.bodyTooLarge(limit) }
                bytes += chunk.readableBytesView
            }
        } catch let error as HTTPParserError {
            throw APIError.malformedRequest(error)
        }
        return bytes
    }

    /// Refuses with 415 unless the body is declared JSON (`application/json`, parameters allowed).
    public func requireJSON() throws {
        guard let type = headers.value(of: .contentType), Self.namesJSON(type) else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "expected Content-Type application/json, got \(headers.value(of: .contentType).map { "'\($0)'" } ?? "none")",
                field: "Content-Type")
        }
    }

    /// Whether a `Content-Type` value's media type, before any `;` and the spaces or tabs
    /// around it, is `application/json` in any case (bytes compared, without Foundation's
    /// character sets: this runs for every request).
    static func namesJSON(_ contentType: String) -> Bool {
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = mediaType.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { mediaType.removeFirst() }
        while let last = mediaType.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { mediaType.removeLast() }
        let expected = "application/json".utf8
        return mediaType.count == expected.count
            && zip(mediaType, expected).allSatisfy { byte, wanted in
                ((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte) == wanted
            }
    }
}

extension APIError {
    static func bodyTooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "body_too_large", "the body is larger than the limit of \(limit) bytes")
    }
}
