// The RFC 9535 parser: the query's bytes into segments and selectors, with the position of the
// first mistake. Filters are in JSONPathParser+Filter.swift, literals in +Literals.swift.

/// Reads one query, left to right, over its UTF-8 bytes; every error carries the offset (in
/// Unicode scalars) where the query stops being JSONPath.
struct JSONPathParser {
    /// The query's UTF-8 bytes.
    let bytes: [UInt8]
    /// The next byte to read.
    var index = 0
    /// Filters, parentheses and function calls open around `index`.
    var depth = 0

    init(_ query: String) {
        bytes = Array(query.utf8)
    }

    /// The whole query: `$` and its segments, nothing before or after.
    mutating func parseQuery() throws(JSONPathError) -> [JSONPathSegment] {
        guard peek == UInt8(ascii: "$") else {
            throw error(.syntax, bytes.isEmpty ? "a query starts with '$', and this one is empty" : "a query starts with '$'")
        }
        index += 1
        let segments = try parseSegments()
        if index < bytes.count {
            let whitespace = index
            skipWhitespace()
            if index == bytes.count { throw error(.syntax, "whitespace at the end of the query", at: whitespace) }
            throw error(.syntax, "expected '.', '..' or '[' (a segment)")
        }
        return segments
    }

    /// `*(S segment)`: as many segments as follow; whitespace after the last one is left
    /// unread for the caller.
    mutating func parseSegments() throws(JSONPathError) -> [JSONPathSegment] {
        var segments: [JSONPathSegment] = []
        while true {
            let start = index
            skipWhitespace()
            switch peek {
            case UInt8(ascii: "["):
                segments.append(JSONPathSegment(selectors: try parseBracketedSelection(), isDescendant: false))
            case UInt8(ascii: "."):
                index += 1
                if peek == UInt8(ascii: ".") {
                    index += 1
                    segments.append(JSONPathSegment(selectors: try parseDescendantSelection(), isDescendant: true))
                } else {
                    segments.append(JSONPathSegment(selectors: [try parseShorthand(after: ".")], isDescendant: false))
                }
            default:
                index = start
                return segments
            }
        }
    }

    /// After `..`: a bracketed selection, `*` or a member name, with no whitespace before it.
    private mutating func parseDescendantSelection() throws(JSONPathError) -> [JSONPathSelector] {
        if peek == UInt8(ascii: "[") { return try parseBracketedSelection() }
        return [try parseShorthand(after: "..")]
    }

    /// After `.` or `..`: `*` or a member name.
    private mutating func parseShorthand(after dots: String) throws(JSONPathError) -> JSONPathSelector {
        if peek == UInt8(ascii: "*") {
            index += 1
            return .wildcard
        }
        guard let first = peek, Self.isNameFirst(first) else {
            if let byte = peek, Self.isWhitespace(byte) { throw error(.syntax, "no whitespace may follow '\(dots)'") }
            throw error(.syntax, "expected a member name or '*' after '\(dots)'")
        }
        let start = index
        while let byte = peek, Self.isNameFirst(byte) || Self.isDigit(byte) { index += 1 }
        return .name(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// `"[" S selector *(S "," S selector) S "]"`.
    private mutating func parseBracketedSelection() throws(JSONPathError) -> [JSONPathSelector] {
        index += 1
        var selectors: [JSONPathSelector] = []
        while true {
            skipWhitespace()
            selectors.append(try parseSelector())
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return selectors
            default: throw error(.syntax, "expected ',' or ']'")
            }
        }
    }

    /// One selector inside brackets: a name, `*`, an index, a slice or a filter.
    private mutating func parseSelector() throws(JSONPathError) -> JSONPathSelector {
        guard let byte = peek else { throw error(.syntax, "expected a selector and ']', and the query ends") }
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .name(try parseStringLiteral())
        case UInt8(ascii: "*"):
            index += 1
            return .wildcard
        case UInt8(ascii: "?"):
            index += 1
            try enterNesting()
            skipWhitespace()
            let filter = try parseFilter()
            depth -= 1
            return .filter(filter)
        case UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseIndexOrSlice()
        default:
            throw error(.syntax, "expected a selector: a quoted name, '*', an index, a slice or a filter ('?')")
        }
    }

    /// `int` (an index) or `[start S] ":" S [end S] [":" [S step]]` (a slice).
    private mutating func parseIndexOrSlice() throws(JSONPathError) -> JSONPathSelector {
        let start = peek == UInt8(ascii: ":") ? nil : try parseInteger()
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else {
            // An index: `start` is there, since the selector began with a digit or '-'.
            return .index(start ?? 0)
        }
        index += 1
        skipWhitespace()
        let end = startsInteger ? try parseInteger() : nil
        skipWhitespace()
        var step: Int?
        if peek == UInt8(ascii: ":") {
            index += 1
            skipWhitespace()
            step = startsInteger ? try parseInteger() : nil
        }
        return .slice(JSONPathSlice(start: start, end: end, step: step))
    }

    /// Whether an integer (or a mistaken attempt at one) starts here.
    private var startsInteger: Bool {
        guard let byte = peek else { return false }
        return byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || Self.isDigit(byte)
    }

    /// Counts one more level of filters, parentheses and function calls.
    mutating func enterNesting() throws(JSONPathError) {
        depth += 1
        if depth > JSONPath.maximumNestingDepth {
            throw error(.nestingTooDeep, "filters, parentheses and function calls nest deeper than \(JSONPath.maximumNestingDepth) levels")
        }
    }

    // MARK: Bytes

    /// The next byte, nil at the end.
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// The byte after the next one, nil past the end.
    var peekSecond: UInt8? { index + 1 < bytes.count ? bytes[index + 1] : nil }

    /// Steps over `S`: spaces, tabs, line feeds and carriage returns.
    mutating func skipWhitespace() {
        while let byte = peek, Self.isWhitespace(byte) { index += 1 }
    }

    /// An error at the current byte.
    func error(_ code: JSONPathError.Code, _ message: String) -> JSONPathError {
        error(code, message, at: index)
    }

    /// An error at byte `offset`, its position counted in Unicode scalars.
    func error(_ code: JSONPathError.Code, _ message: String, at offset: Int) -> JSONPathError {
        JSONPathError(code, message, at: position(of: offset))
    }

    /// The position of byte `offset` in Unicode scalars: every scalar has exactly one byte that
    /// is not a continuation byte (10xxxxxx).
    func position(of offset: Int) -> Int {
        bytes[..<min(offset, bytes.count)].count { $0 & 0xC0 != 0x80 }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// `name-first`: a letter, `_`, or any character beyond ASCII (a byte >= 0x80 belongs to
    /// one; Swift strings hold no surrogate code points).
    static func isNameFirst(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_") || byte >= 0x80
    }
}
