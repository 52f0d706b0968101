// The pattern argument of match and search: compiled once when the query spells it out, else
// compiled from the value found at evaluation time.

import SwitchyardCore

/// A literal pattern (compiled when the query is; nil when it is not a valid I-Regexp or not a
/// string) or one that comes from the document or a function.
enum JSONPathPattern: Sendable {
    case literal(IRegexp?)
    case computed(JSONPathComparable)

    /// The compiled pattern for this candidate, nil when there is no valid one. Compiling a
    /// pattern the document holds costs its program's size of the evaluation's work.
    func regexp(current: JSONValue, in evaluation: JSONPathEvaluation) -> IRegexp? {
        switch self {
        case .literal(let regexp):
            return regexp
        case .computed(let comparable):
            guard let pattern = comparable.value(current: current, in: evaluation)?.string,
                  evaluation.charge(pattern.unicodeScalars.count), let regexp = IRegexp(pattern),
                  evaluation.charge(regexp.size) else { return nil }
            return regexp
        }
    }
}
