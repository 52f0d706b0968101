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

    /// Whether the candidate `current` (`@`) passes, in the evaluation's document (`$`).
    func isSatisfied(current: JSONValue, in evaluation: JSONPathEvaluation) -> Bool {
        switch self {
        case .or(let alternatives): alternatives.contains { $0.isSatisfied(current: current, in: evaluation) }
        case .and(let conditions): conditions.allSatisfy { $0.isSatisfied(current: current, in: evaluation) }
        case .not(let negated): !negated.isSatisfied(current: current, in: evaluation)
        case .comparison(let left, let comparison, let right):
            comparison.holds(left.value(current: current, in: evaluation), right.value(current: current, in: evaluation))
        case .exists(let query): query.selectsAnything(current: current, in: evaluation)
        case .function(let function): function.isTrue(current: current, in: evaluation)
        }
    }
}
