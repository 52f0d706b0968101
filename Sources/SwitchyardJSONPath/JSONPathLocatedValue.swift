// A node while a query runs: its value and, when paths are wanted, its location.

import SwitchyardCore

/// A value of the document and where it is (nil: the root, or paths aren't tracked).
struct JSONPathLocatedValue {
    var value: JSONValue
    var location: JSONPathLocation?

    /// The child reached by `step`, located when `paths` is on.
    func child(_ value: JSONValue, _ step: JSONPathStep, paths: Bool) -> JSONPathLocatedValue {
        JSONPathLocatedValue(value: value, location: paths ? JSONPathLocation(parent: location, step: step) : nil)
    }
}
