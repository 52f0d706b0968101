// A trigger ready to match events: every condition compiled once, then tested against each
// event body of the trigger's type.

import SwitchyardCore

/// A ``Trigger`` compiled for matching: its queries parsed and its patterns compiled once, so
/// that matching a body costs a few lookups and comparisons per condition.
struct CompiledTrigger: Sendable {
    /// The event type the trigger waits for.
    var eventType: String
    private let match: TriggerMatch
    private let conditions: [CompiledTriggerCondition]

    /// Compiles `trigger`.
    /// - Parameter trigger: A trigger ``TriggerValidator`` accepted. (A condition that doesn't
    ///   compile, which only a trigger from elsewhere can have, never holds.)
    init(_ trigger: Trigger) {
        eventType = trigger.eventType
        match = trigger.match
        conditions = trigger.conditions.map(CompiledTriggerCondition.init)
    }

    /// The conditions that held, each with the value its path selected, when the trigger
    /// matches `body`; nil when it does not.
    ///
    /// With `all`, every condition must hold and all are returned; with `any`, at least one, and
    /// those that held are returned; a trigger without conditions matches with an empty list.
    /// The caller checks the event type.
    /// - Parameter body: The event's body.
    func evaluate(_ body: JSONValue) -> [MatchedCondition]? {
        var matched: [MatchedCondition] = []
        for condition in conditions {
            let (holds, actual) = condition.evaluate(body)
            if holds {
                matched.append(MatchedCondition(condition: condition.condition, actual: actual))
            } else if match == .all {
                return nil
            }
        }
        return matched.isEmpty && !conditions.isEmpty ? nil : matched
    }
}
