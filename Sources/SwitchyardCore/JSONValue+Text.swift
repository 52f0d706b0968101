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

    /// Appends the compact text of an object whose members keep the order given; members whose
    /// value is nil are left out. For answers and rows that are written for every request,
    /// without building a dictionary first.
    public static func writeObject(_ members: KeyValuePairs<String, JSONValue?>, into text: inout [UInt8]) {
        text.append(UInt8(ascii: "{"))
        var first = true
        for (name, value) in members {
            guard let value else { continue }
            if !first { text.append(UInt8(ascii: ",")) }
            first = false
            writeString(name, into: &text)
            text.append(UInt8(ascii: ":"))
            value.write(into: &text)
        }
        text.append(UInt8(ascii: "}"))
    }

    /// The value as compact JSON text as ``jsonBytes`` has it, but with every object's members
    /// sorted by name: the same text for the same value in every process.
    public var sortedJSONBytes: [UInt8] {
        var text: [UInt8] = []
        write(into: &text, sortingMembers: true)
        return text
    }

    /// The length of ``jsonBytes`` without writing it, or nil once it passes `limit`. The count
    /// stops there, so it costs at most about `limit` steps however often the value repeats a
    /// subtree (values share their storage: a small tree can stand for a huge text).
    public func jsonByteCount(upTo limit: Int) -> Int? {
        var count = 0
        return countBytes(into: &count, limit: limit) ? count : nil
    }

    /// Adds the value's text length to `count`; false as soon as `count` passes `limit`.
    private func countBytes(into count: inout Int, limit: Int) -> Bool {
        switch self {
        case .null: count += 4
        case .bool(let value): count += value ? 4 : 5
        case .int(let value): count += String(value).utf8.count
        case .double(let value):
            var text: [UInt8] = []
            Self.write(value, into: &text)
            count += text.count
        case .string(let value):
            count += 2
            for byte in value.utf8 {
                count += Self.shortEscape(byte) != nil ? 2 : byte < 0x20 ? 6 : 1
                if count > limit { return false }
            }
        case .array(let elements):
            count += 2 + max(0, elements.count - 1)
            for element in elements {
                guard count <= limit, element.countBytes(into: &count, limit: limit) else { return false }
            }
        case .object(let members):
            count += 2 + max(0, members.count - 1)
            for (name, value) in members {
                count += 1
                guard count <= limit, JSONValue.string(name).countBytes(into: &count, limit: limit),
                    value.countBytes(into: &count, limit: limit)
                else { return false }
            }
        }
        return count <= limit
    }

    /// Appends the value's compact text (as ``jsonBytes`` has it).
    public func write(into text: inout [UInt8]) {
        write(into: &text, sortingMembers: false)
    }

    private func write(into text: inout [UInt8], sortingMembers: Bool) {
        switch self {
        case .null: text.append(contentsOf: "null".utf8)
        case .bool(let value): text.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): text.append(contentsOf: String(value).utf8)
        case .double(let value): Self.write(value, into: &text)
        case .string(let value): Self.writeString(value, into: &text)
        case .array(let elements):
            text.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                element.write(into: &text, sortingMembers: sortingMembers)
            }
            text.append(UInt8(ascii: "]"))
        case .object(let members):
            if sortingMembers {
                Self.write(members: members.sorted { $0.key < $1.key }, into: &text, sortingMembers: true)
            } else {
                Self.write(members: members, into: &text, sortingMembers: false)
            }
        }
    }

    private static func write<Members: Sequence<(key: String, value: JSONValue)>>(
        members: Members, into text: inout [UInt8], sortingMembers: Bool
    ) {
        text.append(UInt8(ascii: "{"))
        var first = true
        for (name, value) in members {
            if !first { text.append(UInt8(ascii: ",")) }
            first = false
            writeString(name, into: &text)
            text.append(UInt8(ascii: ":"))
            value.write(into: &text, sortingMembers: sortingMembers)
        }
        text.append(UInt8(ascii: "}"))
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

    /// Appends `string` as a JSON string literal: quotes, backslashes and control characters
    /// escaped, everything else as its UTF-8 (the one string writer: documents, rows, log lines).
    public static func writeString(_ string: String, into text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            // Runs of bytes that need no escape are found a word at a time and copied whole.
            var run = 0
            var index = firstEscape(in: utf8, from: 0)
            while index < utf8.count {
                text.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                writeEscaped(utf8[index], into: &text)
                run = index + 1
                index = firstEscape(in: utf8, from: run)
            }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        if written == nil {
            for byte in string.utf8 { writeEscaped(byte, into: &text) }
        }
        text.append(UInt8(ascii: "\""))
    }

    /// The index of the first byte at or after `start` that a JSON string escapes (a control
    /// character, `"` or `\\`), or the end. Eight bytes are looked at in one step: this walks
    /// every string of every document, row and answer written, and every string read.
    static func firstEscape(in utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = utf8.baseAddress else { return utf8.count }
        var index = start
        while index + 8 <= utf8.count, !wordNeedsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
            index += 8
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index += 1
        }
        return index
    }

    /// Whether any of a word's eight bytes is below 0x20, `"` or `\\`: the classic tests for a
    /// byte below n, `(x - n·0x01…) & ~x & 0x80…`, and for a zero byte in `x ^ c·0x01…`. Each
    /// is exact about whether such a byte exists (n ≤ 0x80), which is all this asks; bytes of
    /// 0x80 and above (UTF-8 past ASCII) never count.
    private static func wordNeedsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highBits != 0
    }

    /// The letter after the backslash of a byte's two-character escape, if it has one.
    private static func shortEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        default: nil
        }
    }

    /// One byte of a string, escaped if JSON needs it to be.
    private static func writeEscaped(_ byte: UInt8, into text: inout [UInt8]) {
        if let shortEscape = shortEscape(byte) {
            text.append(UInt8(ascii: "\\"))
            text.append(shortEscape)
        } else if byte < 0x20 {
            text.append(contentsOf: "\\u00".utf8)
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        } else {
            text.append(byte)
        }
    }
}
