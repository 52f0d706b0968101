// One step from a value to one of its children: a member name or an array index.

import SwitchyardCore

/// A member name or an array index: a step of a singular query (where a negative index counts
/// from the end) and of a node's location (where it never is negative).
enum JSONPathStep: Sendable {
    case name(String)
    case index(Int)

    /// The child this step leads to from `value`, `.none` when there is none (never a bare
    /// `nil`: JSONValue is ExpressibleByNilLiteral, so `nil` where a `JSONValue?` is expected
    /// can become `.some(.null)`).
    func child(of value: JSONValue) -> JSONValue? {
        switch (self, value) {
        case (.name(let name), .object(let members)):
            return members.member(named: name)
        case (.index(let index), .array(let elements)):
            let position = index < 0 ? elements.count + index : index
            return elements.indices.contains(position) ? elements[position] : .none
        default:
            return .none
        }
    }
}
