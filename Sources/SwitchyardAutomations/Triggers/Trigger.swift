// An automation's trigger: the chatbot event type it waits for and the conditions the event's
// body must meet.

/// A validated trigger: an event type and the conditions its body must meet (``TriggerValidator``
/// builds one from a tenant's JSON; ``CompiledTrigger`` matches it against events).
struct Trigger: Sendable, Equatable {
    /// The chatbot event type (`chatbot.sentiment.analysed`).
    var eventType: String
    /// The conditions on the event's body, in the order the tenant gave them; none means the
    /// event type alone matches.
    var conditions: [TriggerCondition]
    /// Whether every condition must hold or one is enough.
    var match: TriggerMatch
}
