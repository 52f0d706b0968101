// One side of a comparison, or a function's value argument: a literal, a singular query or a
// function that gives a value.

import SwitchyardCore

/// What a comparison compares: a literal, a singular query or a value function.
indirect enum JSONPathComparable: Sendable {
    case literal(JSONValue)
    case query(JSONPathSingularQuery)
    case function(JSONPathValueFunction)

    /// Its value for the candidate `current` in `root`; nil is Nothing (a query that selects no
    /// node, a function without a result).
    func value(current: JSONValue, in evaluation: JSONPathEvaluation) -> JSONValue? {
        switch self {
        case .literal(let value): value
        case .query(let query): query.value(current: current, root: evaluation.root)
        case .function(let function): function.value(current: current, in: evaluation)
        }
    }
}
