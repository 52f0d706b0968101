// Parsing a request body as JSON, with errors that say where it broke.

import HTTPTypes
public import SwitchyardCore

/// JSON bodies as ``JSONValue``; malformed input becomes a 400 naming the position.
public enum JSONBody {
    /// Parses `bytes`.
    /// - Throws: ``APIError`` 400 `malformed_json` with the byte offset, line and column.
    public static func parse(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw APIError(.badRequest, "malformed_json", "the body is \(error)")
        }
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
