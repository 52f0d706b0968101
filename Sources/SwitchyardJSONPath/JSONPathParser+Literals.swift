// Literals of the query: quoted strings with their escapes, integers within I-JSON's exact
// range, and numbers.

import SwitchyardCore

extension JSONPathParser {
    /// The largest magnitude of an index, slice bound or step: 2^53 - 1.
    static let maximumInteger = 9_007_199_254_740_991

    /// `int = "0" / (["-"] DIGIT1 *DIGIT)` within ±(2^53 - 1): an index, a slice's start, end
    /// or step.
    mutating func parseInteger() throws(JSONPathError) -> Int {
        let start = index
        var negative = false
        switch peek {
        case UInt8(ascii: "+"): throw error(.syntax, "an integer has no '+' sign")
        case UInt8(ascii: "-"):
            negative = true
            index += 1
        default: break
        }
        guard let first = peek, Self.isDigit(first) else {
            throw error(.syntax, negative ? "expected a digit after '-'" : "expected an integer")
        }
        if first == UInt8(ascii: "0") {
            if negative { throw error(.syntax, "-0 is not an integer here", at: start) }
            if let next = peekSecond, Self.isDigit(next) { throw error(.syntax, "an integer has no leading zeros", at: start) }
            index += 1
            return 0
        }
        var magnitude = 0
        while let byte = peek, Self.isDigit(byte) {
            magnitude = magnitude * 10 + Int(byte - UInt8(ascii: "0"))
            if magnitude > Self.maximumInteger {
                throw error(.integerOutOfRange, "integers here must lie within ±(2^53 - 1)", at: start)
            }
            index += 1
        }
        return negative ? -magnitude : magnitude
    }

    /// `number = (int / "-0") [frac] [exp]`, as a JSON number: an integer when it has neither
    /// fraction nor exponent and fits 64 bits, else a double.
    mutating func parseNumber() throws(JSONPathError) -> JSONValue {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, Self.isDigit(first) else { throw error(.syntax, "expected a digit after '-'") }
        index += 1
        if first == UInt8(ascii: "0"), let next = peek, Self.isDigit(next) {
            throw error(.syntax, "a number has no leading zeros", at: start)
        }
        skipDigits()
        var integral = true
        if peek == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard let digit = peek, Self.isDigit(digit) else { throw error(.syntax, "expected a digit after '.'") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            integral = false
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek, Self.isDigit(digit) else { throw error(.syntax, "expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let value = Int64(text) { return .int(value) }
        // The grammar above is a subset of what Double parses, so this can't fail; an exponent
        // too large gives ±infinity, which still compares.
        return .double(Double(text) ?? .nan)
    }

    private mutating func skipDigits() {
        while let byte = peek, Self.isDigit(byte) { index += 1 }
    }

    /// A string literal in single or double quotes, its escapes decoded.
    mutating func parseStringLiteral() throws(JSONPathError) -> String {
        let quote = bytes[index]
        let opening = index
        index += 1
        var text: [UInt8] = []
        while let byte = peek {
            switch byte {
            case quote:
                index += 1
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(quote: quote, into: &text)
            case 0x00...0x1F:
                throw error(.syntax, "a control character (U+\(Self.hex(UInt32(byte), digits: 4))) can't stand in a string; escape it")
            default:
                text.append(byte)
                index += 1
            }
        }
        throw error(.syntax, "the string that starts at \(position(of: opening)) never ends")
    }

    /// One `\` escape: `\b \f \n \r \t \/ \\`, the literal's own quote, or `\uXXXX` (a
    /// surrogate pair as two of them).
    private mutating func parseEscape(quote: UInt8, into text: inout [UInt8]) throws(JSONPathError) {
        let start = index
        index += 1
        guard let byte = peek else { throw error(.syntax, "the query ends inside an escape", at: start) }
        index += 1
        let scalar: Unicode.Scalar
        switch byte {
        case UInt8(ascii: "b"): scalar = "\u{08}"
        case UInt8(ascii: "f"): scalar = "\u{0C}"
        case UInt8(ascii: "n"): scalar = "\n"
        case UInt8(ascii: "r"): scalar = "\r"
        case UInt8(ascii: "t"): scalar = "\t"
        case UInt8(ascii: "/"): scalar = "/"
        case UInt8(ascii: "\\"): scalar = "\\"
        case quote: scalar = Unicode.Scalar(quote)
        case UInt8(ascii: "u"): scalar = try parseUnicodeEscape(start: start)
        default:
            throw error(.syntax, "invalid escape; use \\b \\f \\n \\r \\t \\/ \\\\ \\uXXXX or the quote's own \\\(Character(Unicode.Scalar(quote)))", at: start)
        }
        UTF8.encode(scalar) { text.append($0) }
    }

    /// The rest of `\uXXXX` (after the `u`), with the low half of a surrogate pair when the
    /// first is a high surrogate.
    private mutating func parseUnicodeEscape(start: Int) throws(JSONPathError) -> Unicode.Scalar {
        let first = try parseHex4(escape: start)
        switch first {
        case 0xD800...0xDBFF:
            let second = index
            guard peek == UInt8(ascii: "\\"), peekSecond == UInt8(ascii: "u") else {
                throw error(.syntax, "a high surrogate (\\u\(Self.hex(first, digits: 4))) must be followed by a \\u escape of a low one", at: start)
            }
            index += 2
            let low = try parseHex4(escape: second)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw error(.syntax, "a high surrogate must be followed by a low one (\\uDC00-\\uDFFF)", at: second)
            }
            // Always a valid scalar: U+10000 ... U+10FFFF.
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
        case 0xDC00...0xDFFF:
            throw error(.syntax, "a low surrogate (\\u\(Self.hex(first, digits: 4))) without a high one before it", at: start)
        default:
            // Not a surrogate, so a valid scalar.
            return Unicode.Scalar(first) ?? "\u{FFFD}"
        }
    }

    /// Four hexadecimal digits.
    private mutating func parseHex4(escape: Int) throws(JSONPathError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = Self.hexValue(byte) else {
                throw error(.syntax, "\\u takes exactly four hexadecimal digits", at: escape)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// `value` in upper-case hexadecimal, zero-padded to `digits`.
    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
