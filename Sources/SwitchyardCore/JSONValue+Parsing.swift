// JSON text into a JSONValue, or an error that says where the text stops being JSON.

import Foundation

extension JSONValue {
    /// Parses JSON text; any value may stand at the top.
    /// - Parameter bytes: The text, UTF-8.
    /// - Throws: ``JSONSyntaxError`` with the parser's reason and, when it names one, the byte
    ///   offset with its line and column.
    public init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) {
            self = value
            return
        }
        // JSONDecoder doesn't say where; JSONSerialization does ("around character 15").
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let offset = reason.firstMatch(of: /character (\d+)/).flatMap({ Int($0.1) }), offset <= bytes.count else {
                throw JSONSyntaxError(reason: reason)
            }
            let before = bytes[..<offset]
            let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            throw JSONSyntaxError(reason: reason, offset: offset, line: line, column: column)
        }
        throw JSONSyntaxError(reason: nil)
    }
}
