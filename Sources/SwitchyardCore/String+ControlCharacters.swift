// Whether text holds control characters: what ids, keys and names that others choose may not.

extension StringProtocol {
    /// Whether any scalar is a control character: exactly U+0000-U+001F and U+007F-U+009F
    /// (Unicode's category Cc), compared by value, without a look-up of Unicode properties.
    public var hasControlCharacters: Bool {
        unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}

extension String {
    /// The text with each control character (U+0000-U+001F, U+007F-U+009F) written as its
    /// JSON escape (`\n`, `\u001b`), for messages that quote what someone else wrote.
    public var escapingControlCharacters: String {
        guard hasControlCharacters else { return self }
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x0A: escaped.append(contentsOf: #"\n"#.unicodeScalars)
            case 0x0D: escaped.append(contentsOf: #"\r"#.unicodeScalars)
            case 0x09: escaped.append(contentsOf: #"\t"#.unicodeScalars)
            case 0..<0x20, 0x7F...0x9F:
                let hex = String(scalar.value, radix: 16)
                escaped.append(contentsOf: (#"\u"# + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
