// A trigger as the API shows and stores it: the shape TriggerValidator reads, with every
// default spelled out.

import SwitchyardCore

extension Trigger {
    /// `{"event_type", "conditions": [{"path", "op", "value"?}], "match"}`: what the API shows
    /// and stores; ``TriggerValidator`` reads it back as the same trigger.
    var json: JSONValue {
        .object([
            "event_type": .string(eventType),
            "conditions": .array(conditions.map { .object($0.members) }),
            "match": .string(match.rawValue),
        ])
    }
}

extension TriggerCondition {
    /// `path`, `op` and, when there is one, `value`.
    var members: [String: JSONValue] {
        var members: [String: JSONValue] = ["path": .string(path), "op": .string(op.rawValue)]
        if let value { members["value"] = value }
        return members
    }
}
