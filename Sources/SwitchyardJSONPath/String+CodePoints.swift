// Strings as RFC 9535 compares them: sequences of code points, not Swift's canonical
// equivalence, compared over their UTF-8 bytes.

extension String {
    /// Whether both are the same sequence of Unicode scalars (Swift's `==` also equates
    /// canonically equivalent strings, such as "é" and "e\u{301}").
    func hasSameScalars(as other: String) -> Bool {
        withUTF8Bytes { bytes in other.withUTF8Bytes { otherBytes in bytes.elementsEqual(otherBytes) } }
    }

    /// Whether this string comes first in code point order, which is UTF-8's byte order.
    func precedesInCodePointOrder(_ other: String) -> Bool {
        withUTF8Bytes { bytes in other.withUTF8Bytes { otherBytes in bytes.lexicographicallyPrecedes(otherBytes) } }
    }

    /// Runs `body` over the UTF-8 bytes, contiguous (a native string's own storage; only a
    /// bridged one is copied).
    private func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var copy = self
        return copy.withUTF8(body)
    }
}
