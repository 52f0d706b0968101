// White space as Foundation's `CharacterSet.whitespacesAndNewlines` has it, without an `NSString`.
// Inlinable, so callers get code for their own string type rather than the generic one.

extension Unicode.Scalar {
    /// Whether the scalar is in Foundation's `CharacterSet.whitespacesAndNewlines`: Unicode's
    /// White_Space property, and U+200B ZERO WIDTH SPACE, which Foundation counts too.
    @inlinable public var isWhiteSpaceOrNewline: Bool {
        properties.isWhitespace || value == 0x200B
    }
}

extension StringProtocol {
    /// Whether the text is empty or only white space (``Unicode/Scalar/isWhiteSpaceOrNewline``).
    @inlinable public var isBlank: Bool {
        unicodeScalars.allSatisfy(\.isWhiteSpaceOrNewline)
    }

    /// The text without white space at either end: what Foundation's `trimmingCharacters(in:
    /// .whitespacesAndNewlines)` gives, without going through `NSString`.
    @inlinable public func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isWhiteSpaceOrNewline }),
              let last = scalars.lastIndex(where: { !$0.isWhiteSpaceOrNewline })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
