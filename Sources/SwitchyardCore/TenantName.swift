// What a tenant's name may be: `switchyard tenants create` and the webhook sources' tenants.

/// A tenant's name: 1-63 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit.
public enum TenantName {
    /// The rule in words, for error messages.
    public static let rule = "1-63 letters, digits, '.', '_' or '-' starting with a letter or digit"

    /// Whether `name` follows the rule.
    public static func isValid(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, (1...63).contains(scalars.count), first.isASCIILetter || ("0"..."9").contains(first)
        else { return false }
        return scalars.allSatisfy(\.isNameCharacter)
    }
}

extension Unicode.Scalar {
    /// ASCII letters, digits, `_`, `.` and `-`: what names are made of (tenants', and the
    /// parameters ``SecretParameters`` looks at).
    var isNameCharacter: Bool {
        isASCIILetter || ("0"..."9").contains(self) || self == "_" || self == "." || self == "-"
    }

    /// `A`-`Z` or `a`-`z`.
    var isASCIILetter: Bool { ("A"..."Z").contains(self) || ("a"..."z").contains(self) }
}
