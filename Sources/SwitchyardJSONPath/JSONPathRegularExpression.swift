// I-Regexp (RFC 9485) for callers outside the module: the engine of match() and search(),
// compiled once and run in time linear in the string.

/// A compiled I-Regexp (RFC 9485) pattern, the language of RFC 9535's `match()` and `search()`.
///
/// ```swift
/// let refund = JSONPathRegularExpression("refund|cancel")   // nil: not I-Regexp
/// refund?.occurs(in: "I want a refund")                     // true
/// ```
///
/// Matching simulates an automaton over the string's Unicode scalars, so it takes time linear
/// in the string whatever the pattern: a tenant's `(a|a)*b` can't make it backtrack. As in
/// queries, `^` and `$` outside a character class anchor at the string's start and end.
public struct JSONPathRegularExpression: Sendable {
    /// The pattern as written.
    public let pattern: String
    private let regexp: IRegexp

    /// Compiles `pattern`.
    /// - Parameter pattern: An I-Regexp pattern, such as `refund|cancel`.
    /// - Returns: nil when `pattern` is not I-Regexp, or is too large to compile (range
    ///   quantifiers copy their atom, so `(a{1000}){1000}` is refused rather than built).
    public init?(_ pattern: String) {
        guard let regexp = IRegexp(pattern) else { return nil }
        self.pattern = pattern
        self.regexp = regexp
    }

    /// Whether the pattern matches all of `text`, as `match()` does.
    /// - Parameter text: The string to match.
    public func matches(_ text: String) -> Bool {
        regexp.matches(text)
    }

    /// Whether the pattern matches some substring of `text`, as `search()` does.
    /// - Parameter text: The string to search.
    public func occurs(in text: String) -> Bool {
        regexp.occurs(in: text)
    }
}
