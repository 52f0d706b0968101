// The pattern argument of match and search: compiled once when the query spells it out, else
// compiled from the value found at evaluation time.

import SwitchyardCore

/// A literal pattern (compiled when the query is; nil when it is not a valid I-Regexp or not a
/// string) or one that comes from the document or a function.
enum JSONPathPattern: Sendable {
    case literal(IRegexp?)
    case computed(JSONPathComparable)

    /// The compiled pattern for this candidate, nil when there is no valid one.
    func regexp(current: JSONValue, root: JSONValue) -> IRegexp? {
        switch self {
        case .literal(let regexp): regexp
        case .computed(let comparable): comparable.value(current: current, root: root)?.string.flatMap(IRegexp.init)
        }
    }
}
