// A JSON value as compact JSON text, for SQL parameters (`$1::jsonb`), message bodies and
// stored documents.

extension JSONValue {
    /// The value as compact UTF-8 JSON text: members in the dictionary's order, `"`, `\` and
    /// control characters escaped, everything else as it is; `null` for a number JSON can't
    /// hold (a NaN or an infinity, which no parsed document contains).
    public var jsonBytes: [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        write(into: &text)
        return text
    }

    /// ``jsonBytes`` as a string.
    public var jsonText: String {
        String(decoding: jsonBytes, as: UTF8.self)
    }

    private func write(into text: inout [UInt8]) {
        switch self {
        case .null: text.append(contentsOf: "null".utf8)
        case .bool(let value): text.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): text.append(contentsOf: String(value).utf8)
        case .double(let value): Self.write(value, into: &text)
        case .string(let value): Self.write(value, into: &text)
        case .array(let elements):
            text.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                element.write(into: &text)
            }
            text.append(UInt8(ascii: "]"))
        case .object(let members):
            text.append(UInt8(ascii: "{"))
            var first = true
            for (name, value) in members {
                if !first { text.append(UInt8(ascii: ",")) }
                first = false
                Self.write(name, into: &text)
                text.append(UInt8(ascii: ":"))
                value.write(into: &text)
            }
            text.append(UInt8(ascii: "}"))
        }
    }

    /// `1.5`, `1e+20`, `100` (Swift's shortest round-trip form without a trailing `.0`).
    private static func write(_ number: Double, into text: inout [UInt8]) {
        guard number.isFinite else {
            text.append(contentsOf: "null".utf8)
            return
        }
        let digits = number.description
        text.append(contentsOf: digits.hasSuffix(".0") ? digits.utf8.dropLast(2) : digits.utf8[...])
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func write(_ string: String, into text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case ..<0x20:
                text.append(contentsOf: "\\u00".utf8)
                text.append(hexDigits[Int(byte >> 4)])
                text.append(hexDigits[Int(byte & 0x0F)])
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
    }
}
