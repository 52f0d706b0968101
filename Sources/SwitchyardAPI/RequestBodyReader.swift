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
    /// character sets: this runs for every request; on the value's contiguous bytes, since
    /// walking a `String.UTF8View` slice costs about 250 instructions a byte).
    static func namesJSON(_ contentType: String) -> Bool {
        var contentType = contentType
        return contentType.withUTF8 { value in
            var end = value.firstIndex(of: UInt8(ascii: ";")) ?? value.endIndex
            var start = value.startIndex
            while start < end, value[start] == UInt8(ascii: " ") || value[start] == UInt8(ascii: "\t") { start += 1 }
            while end > start, value[end - 1] == UInt8(ascii: " ") || value[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            guard end - start == applicationJSON.count else { return false }
            for (offset, wanted) in applicationJSON.enumerated() {
                let byte = value[start + offset]
                guard (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == wanted : byte == wanted else { return false }
            }
            return true
        }
    }

    /// The media type JSON bodies declare, in lower case.
    private static let applicationJSON = Array("application/json".utf8)
}

extension APIError {
    static func bodyTooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "body_too_large", "the body is larger than the limit of \(limit) bytes")
    }
}
