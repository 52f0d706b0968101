// The W3C trace context header that events carry on from producer to follow-up.

/// `traceparent` in the one form the fleet accepts and passes on: version `00`, a 32-digit
/// trace id, a 16-digit parent id and 2-digit flags, lowercase hex, separated by `-`.
public enum Traceparent {
    /// Whether `text` is `00-<32 hex>-<16 hex>-<2 hex>` (lowercase hex digits). Checked byte by
    /// byte: the ingress checks every webhook's header, and a `Regex` took tens of microseconds.
    public static func isValid(_ text: String) -> Bool {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9"), letters = UInt8(ascii: "a")...UInt8(ascii: "f")
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == 55 else { return false }
            for (index, byte) in bytes.enumerated() {
                switch index {
                case 0, 1: guard byte == UInt8(ascii: "0") else { return false }
                case 2, 35, 52: guard byte == UInt8(ascii: "-") else { return false }
                default: guard digits.contains(byte) || letters.contains(byte) else { return false }
                }
            }
            return true
        }
    }
}
