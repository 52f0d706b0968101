// A filter's logical expression, evaluated for one candidate node.

import SwitchyardCore

/// `||`, `&&`, `!`, a comparison, an existence test or a logical function.
indirect enum JSONPathFilter: Sendable {
    case or([JSONPathFilter])
    case and([JSONPathFilter])
    case not(JSONPathFilter)
    case comparison(JSONPathComparable, JSONPathComparisonOperator, JSONPathComparable)
    case exists(JSONPathFilterQuery)
    case function(JSONPathLogicalFunction)

    /// Whether the candidate `current` (`@`) passes, in `root` (`$`).
    func isSatisfied(current: JSONValue, root: JSONValue) -> Bool {
        switch self {
        case .or(let alternatives): alternatives.contains { $0.isSatisfied(current: current, root: root) }
        case .and(let conditions): conditions.allSatisfy { $0.isSatisfied(current: current, root: root) }
        case .not(let negated): !negated.isSatisfied(current: current, root: root)
        case .comparison(let left, let comparison, let right):
            comparison.holds(left.value(current: current, root: root), right.value(current: current, root: root))
        case .exists(let query): query.selectsAnything(current: current, root: root)
        case .function(let function): function.isTrue(current: current, root: root)
        }
    }
}
