// The function extensions whose result is logical: match and search, with I-Regexp.

import SwitchyardCore

/// `match(value, pattern)` (the whole string) and `search(value, pattern)` (a substring)
/// (RFC 9535, sections 2.4.6 and 2.4.7).
indirect enum JSONPathLogicalFunction: Sendable {
    case match(JSONPathComparable, JSONPathPattern)
    case search(JSONPathComparable, JSONPathPattern)

    /// True when the value is a string and the pattern a valid I-Regexp that matches it (all
    /// of it for `match`); false otherwise, an invalid pattern included. Stepping the pattern's
    /// program over the string costs their product of the evaluation's work.
    func isTrue(current: JSONValue, in evaluation: JSONPathEvaluation) -> Bool {
        switch self {
        case .match(let subject, let pattern):
            guard case .string(let text) = subject.value(current: current, in: evaluation),
                  let regexp = pattern.regexp(current: current, in: evaluation),
                  evaluation.charge(text.unicodeScalars.count &* regexp.size) else { return false }
            return regexp.matches(text)
        case .search(let subject, let pattern):
            guard case .string(let text) = subject.value(current: current, in: evaluation),
                  let regexp = pattern.regexp(current: current, in: evaluation),
                  evaluation.charge(text.unicodeScalars.count &* regexp.size) else { return false }
            return regexp.occurs(in: text)
        }
    }
}
