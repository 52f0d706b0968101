// One condition of a trigger: where to look in the event's body, how to compare, with what.

import SwitchyardCore

/// A condition on an event's body: `{"path": "$.polarity", "op": "lt", "value": -0.5}`.
struct TriggerCondition: Sendable, Equatable {
    /// An RFC 9535 singular query into the body (`$.user.tier`).
    var path: String
    /// How the selected value is tested.
    var op: TriggerOperator
    /// What it is tested against; nil only for `exists` without a value (which means true).
    var value: JSONValue?
}
