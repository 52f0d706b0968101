// The function extensions whose result is a value: length, count and value.

import SwitchyardCore

/// `length(value)`, `count(nodes)`, `value(nodes)` (RFC 9535, sections 2.4.4, 2.4.5, 2.4.8).
indirect enum JSONPathValueFunction: Sendable {
    case length(JSONPathComparable)
    case count(JSONPathFilterQuery)
    case value(JSONPathFilterQuery)

    /// The result for the candidate `current` in the evaluation's document; `.none` is Nothing
    /// (never a bare `nil`, which JSONValue's ExpressibleByNilLiteral could turn into `.null`).
    func value(current: JSONValue, in evaluation: JSONPathEvaluation) -> JSONValue? {
        switch self {
        case .length(let argument):
            switch argument.value(current: current, in: evaluation) {
            case .string(let text): return .int(Int64(text.unicodeScalars.count))
            case .array(let elements): return .int(Int64(elements.count))
            case .object(let members): return .int(Int64(members.count))
            case .null, .bool, .int, .double, .none: return .none
            }
        case .count(let query):
            return .int(Int64(query.values(current: current, in: evaluation).count))
        case .value(let query):
            let values = query.values(current: current, in: evaluation)
            return values.count == 1 ? values[0] : .none
        }
    }
}
