// Bytes as lower-case hexadecimal text: digests, fingerprints, derived ids.

/// Lower-case hex text of bytes, two digits a byte.
public enum HexText {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lower-case hex digits (`[0x0f, 0xa0]` is `"0fa0"`).
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
