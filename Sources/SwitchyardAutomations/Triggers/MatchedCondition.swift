// A condition that held for an event, with what its path selected: the `matched` list an
// execution records.

import SwitchyardCore

/// A condition that held, and the value its path selected in the event's body.
struct MatchedCondition: Sendable, Equatable {
    /// The condition as the tenant gave it.
    var condition: TriggerCondition
    /// What the path selected; nil when it selected nothing (`ne`, `exists false`).
    var actual: JSONValue?

    /// `{"path", "op", "value"?, "actual"?}` for the execution's `matched` list.
    var json: JSONValue {
        var members = condition.members
        if let actual { members["actual"] = actual }
        return .object(members)
    }
}
