// Object members as JSONPath sees them: looked up by exact name, visited in a stable order.

import SwitchyardCore

extension JSONValue {
    /// Whether this is an array or an object: a value selectors can select from.
    var isContainer: Bool {
        switch self {
        case .array, .object: true
        case .null, .bool, .int, .double, .string: false
        }
    }
}

extension [String: JSONValue] {
    /// The member whose name is exactly `name`, scalar for scalar. Swift's dictionary matches
    /// canonically equivalent names too ("K" and the Kelvin sign U+212A); RFC 9535 names
    /// compare by code points.
    func member(named name: String) -> JSONValue? {
        // `.none`, not `nil`: JSONValue is ExpressibleByNilLiteral, and `nil` could become `.null`.
        guard let position = index(forKey: name) else { return .none }
        let member = self[position]
        return member.key.hasSameScalars(as: name) ? member.value : .none
    }

    /// The members sorted by name: RFC 9535 leaves an object's order to the implementation,
    /// and a dictionary's order changes from process to process, so every worker sees the same
    /// nodelist only when it is sorted.
    var sortedMembers: [(key: String, value: JSONValue)] {
        count < 2 ? Array(self) : sorted { $0.key < $1.key }
    }
}
