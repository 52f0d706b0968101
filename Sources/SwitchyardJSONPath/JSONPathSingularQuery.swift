// A query that selects at most one node: names and indices only, walked without a nodelist.

import SwitchyardCore

/// `@` or `$` followed by single names and indices (`@.price`, `$.a[0]`).
struct JSONPathSingularQuery: Sendable {
    var isAbsolute: Bool
    var steps: [JSONPathStep]

    /// The node's value, nil (Nothing) when the query selects none.
    func value(current: JSONValue, root: JSONValue) -> JSONValue? {
        var value = isAbsolute ? root : current
        for step in steps {
            guard let child = step.child(of: value) else { return .none }
            value = child
        }
        return value
    }
}
