// Whether text holds control characters: what ids, keys and names that others choose may not.

extension StringProtocol {
    /// Whether any scalar is a control character: exactly U+0000-U+001F and U+007F-U+009F
    /// (Unicode's category Cc), compared by value, without a look-up of Unicode properties.
    public var hasControlCharacters: Bool {
        unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}
