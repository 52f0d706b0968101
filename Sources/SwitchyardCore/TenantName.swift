// What a tenant's name may be: `switchyard tenants create` and the webhook sources' tenants.

/// A tenant's name: 1-63 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit.
public enum TenantName {
    /// The rule in words, for error messages.
    public static let rule = "1-63 letters, digits, '.', '_' or '-' starting with a letter or digit"

    /// Whether `name` follows the rule.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (1...63).contains(bytes.count), isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
