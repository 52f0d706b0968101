// Parsing a request body as JSON, with errors that say where it broke.

import Foundation
import HTTPTypes
public import SwitchyardCore

/// JSON bodies as ``JSONValue``; malformed input becomes a 400 naming the position.
public enum JSONBody {
    /// Parses `bytes`.
    /// - Throws: ``APIError`` 400 `malformed_json` with the byte offset, line and column.
    public static func parse(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) { return value }
        var detail = "the body is not valid JSON"
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            detail += ": \(description)"
            if let offset = description.firstMatch(of: /character (\d+)/).flatMap({ Int($0.1) }), offset <= bytes.count {
                let before = bytes[..<offset]
                let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
                let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
                detail += " (line \(line), column \(column))"
            }
        }
        throw APIError(.badRequest, "malformed_json", detail)
    }

    /// Refuses a value the database can't store: a NUL character anywhere in it.
    /// - Parameters:
    ///   - value: The request's value.
    ///   - field: Its name in the request, the start of the path in the error.
    /// - Throws: ``APIError`` 422 `invalid_value` naming the field that holds the NUL.
    public static func requireStorable(_ value: JSONValue, field: String) throws(APIError) {
        if let path = value.pathOfNUL(from: field) {
            throw APIError(.unprocessableContent, "invalid_value",
                           "contains a NUL character (U+0000), which can't be stored; remove it", field: path)
        }
    }
}
