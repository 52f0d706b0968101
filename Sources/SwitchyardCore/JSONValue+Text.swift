// A JSON value as compact JSON text, for SQL parameters (`$1::jsonb`) and stored documents.

import Foundation

extension JSONValue {
    /// The value as compact JSON text; `null` for what JSON can't hold (a NaN or an infinity,
    /// which no parsed document contains).
    public var jsonText: String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data("null".utf8), as: UTF8.self)
    }
}
