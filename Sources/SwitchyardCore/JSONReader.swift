// RFC 8259 JSON text into a JSONValue in one pass over the bytes, without Codable: every request
// body, event body and stored document the fleet reads goes through here.

/// A strict JSON reader: one value with optional whitespace around it (a UTF-8 byte order mark
/// may lead), nesting at most ``maximumDepth`` deep.
///
/// Numbers become `.int` when they have an integer value that `Int64` holds (`1`, `1.0`, `1e2`,
/// `-0`), else `.double`; a number beyond `Double`'s range is an error. Strings must be valid
/// UTF-8 without raw control characters and without lone surrogates in `\u` escapes. Of
/// duplicate member names the first wins (as Foundation's `JSONDecoder` decided before).
struct JSONReader: ~Copyable {
    /// The deepest nesting of arrays and objects accepted (Foundation's limit).
    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Reads the one value `text` holds.
    /// - Throws: ``JSONSyntaxError`` saying what is wrong and at which byte.
    static func read(_ text: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = text.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            do throws(JSONSyntaxError) {
                return .success(try reader.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: - Structure

    private mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        skipWhitespace()
        let value = try self.value()
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the value") }
        return value
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard position < bytes.count else { throw failure("unexpected end of text where a value should start") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected \(describe(bytes[position])) where a value should start")
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var members: [(String, JSONValue)] = []
        // A scratch list (the dictionary is built from it): room for a typical object's members
        // up front saves the list's regrowth, one allocation per doubling.
        members.reserveCapacity(8)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object([:])
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw failure(expecting: "a member name in quotes") }
            let name = try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure(expecting: "':' after the member name") }
            position += 1
            skipWhitespace()
            members.append((name, try value()))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(Dictionary(members) { first, _ in first })
            default:
                throw failure(expecting: "',' or '}' after the member's value")
            }
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array([])
        }
        while true {
            elements.append(try value())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            default:
                throw failure(expecting: "',' or ']' after the element")
            }
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw failure("arrays and objects nest deeper than \(Self.maximumDepth)")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - position >= expected.count,
              UnsafeBufferPointer(rebasing: bytes[position..<position + expected.count]).elementsEqual(expected)
        else {
            throw failure("unexpected \(describe(bytes[position])) where a value should start")
        }
        position += expected.count
    }

    // MARK: - Strings

    /// A string starting at its opening quote; the position ends after the closing quote.
    private mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        let start = position
        // The plain run up to the closing quote, a backslash or a control character, found
        // eight bytes at a time (the writer's scan: long strings, such as transcripts, are
        // most of a document's bytes).
        position = JSONValue.firstEscape(in: bytes, from: start)
        guard position < bytes.count else { throw failure("unterminated string", at: start - 1) }
        let byte = bytes[position]
        if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
        guard byte == UInt8(ascii: "\"") else { throw failure("control character \(describe(byte)) in a string; escape it") }
        defer { position += 1 }
        let utf8 = UnsafeBufferPointer(rebasing: bytes[start..<position])
        // ASCII is valid UTF-8: no validation, which costs a generic call per string.
        return Self.isASCII(utf8) ? String(decoding: utf8, as: UTF8.self) : try text(utf8, at: start)
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    private static func isASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return true }
        var index = 0
        var highBits: UInt64 = 0
        while index + 8 <= utf8.count {
            highBits |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < utf8.count {
            highBits |= UInt64(utf8[index])
            index += 1
        }
        return highBits & 0x8080_8080_8080_8080 == 0
    }

    /// The rest of a string that holds escapes, its plain start already scanned.
    private mutating func escapedString(from start: Int) throws(JSONSyntaxError) -> String {
        var unescaped = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try text(unescaped[...], at: start)
            case UInt8(ascii: "\\"):
                try unescape(into: &unescaped)
            case ..<0x20:
                throw failure("control character \(describe(byte)) in a string; escape it")
            default:
                unescaped.append(byte)
                position += 1
            }
        }
        throw failure("unterminated string", at: start - 1)
    }

    /// One escape at the position (its backslash), appended as UTF-8.
    private mutating func unescape(into unescaped: inout [UInt8]) throws(JSONSyntaxError) {
        let escape = position
        guard position + 1 < bytes.count else { throw failure("unterminated string", at: escape) }
        let letter = bytes[position + 1]
        position += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(letter)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad(escapeAt: escape)
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw failure("lone surrogate in a \\u escape", at: escape)
                }
                position += 2
                let low = try hexQuad(escapeAt: escape)
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("lone surrogate in a \\u escape", at: escape) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure("lone surrogate in a \\u escape", at: escape)
            }
            // Never a surrogate here, so always a scalar.
            if let scalar = Unicode.Scalar(scalar) { UTF8.encode(scalar) { unescaped.append($0) } }
        default:
            throw failure("invalid escape \\\(describe(letter, quoted: false)); use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX", at: escape)
        }
    }

    private mutating func hexQuad(escapeAt escape: Int) throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw failure("\\u needs four hex digits", at: escape) }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u needs four hex digits", at: escape)
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }

    private func text<Bytes: Collection<UInt8>>(_ utf8: Bytes, at start: Int) throws(JSONSyntaxError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw failure("a string that is not valid UTF-8", at: start - 1)
        }
        return text
    }

    // MARK: - Numbers

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard let first = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            throw failure(expecting: "a digit after '-'")
        }
        // The integer part, accumulated toward the sign so that Int64.min fits.
        var integer: Int64? = 0
        if first == UInt8(ascii: "0") {
            position += 1
            if let next = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
                throw failure("a number with a leading zero")
            }
        } else {
            while let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
                if let value = integer {
                    let (times, overflow) = value.multipliedReportingOverflow(by: 10)
                    let step = Int64(digit - UInt8(ascii: "0"))
                    let (sum, overflowSum) = negative ? times.subtractingReportingOverflow(step) : times.addingReportingOverflow(step)
                    integer = overflow || overflowSum ? nil : sum
                }
                position += 1
            }
        }
        var fractionIsZero = true
        var hasFraction = false
        if peek() == UInt8(ascii: ".") {
            hasFraction = true
            position += 1
            guard let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else {
                throw failure(expecting: "a digit after the decimal point")
            }
            while let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
                if digit != UInt8(ascii: "0") { fractionIsZero = false }
                position += 1
            }
        }
        var hasExponent = false
        if let letter = peek(), letter == UInt8(ascii: "e") || letter == UInt8(ascii: "E") {
            hasExponent = true
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else {
                throw failure(expecting: "a digit in the exponent")
            }
            while let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) { position += 1 }
        }
        if !hasExponent && (!hasFraction || fractionIsZero), let integer { return .int(integer) }
        guard let double = Double(String(decoding: bytes[start..<position], as: UTF8.self)), double.isFinite else {
            throw failure("a number beyond the range of a double", at: start)
        }
        if double.rounded(.towardZero) == double, abs(double) < 0x1p63 { return .int(Int64(double)) }
        return .double(double)
    }

    // MARK: - Bytes

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private func describe(_ byte: UInt8, quoted: Bool = true) -> String {
        if (0x21...0x7E).contains(byte) {
            let character = String(UnicodeScalar(byte))
            return quoted ? "'\(character)'" : character
        }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private func failure(expecting expected: String) -> JSONSyntaxError {
        guard position < bytes.count else { return failure("unexpected end of text; expected \(expected)") }
        return failure("expected \(expected), got \(describe(bytes[position]))")
    }

    private func failure(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        let offset = min(offset ?? position, bytes.count)
        let before = bytes[..<offset]
        let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
        let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        return JSONSyntaxError(reason: reason, offset: offset, line: line, column: column)
    }
}
