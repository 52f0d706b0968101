// What a worker keeps of a chatbot to match its events: its tenant and its active automations.

import SwitchyardCore
import SwitchyardJSONPath

/// A chatbot as matching sees it: whose it is, what input maps see of it, and its active
/// automations with their triggers compiled.
struct MatchableChatbot: Sendable {
    /// The chatbot's id (lowercase UUID).
    var id: String
    /// Its tenant.
    var tenantID: String
    /// `{"id","name"}`, the `chatbot` member of the document input maps run against.
    var document: JSONValue
    /// Its active automations, oldest first.
    var automations: [ActiveAutomation]
}

/// An active automation, ready to match.
struct ActiveAutomation: Sendable {
    /// The automation's id (lowercase UUID).
    var id: String
    /// Its name, for the execution log.
    var name: String
    /// Its trigger, compiled.
    var trigger: CompiledTrigger
    /// The workflow each match runs.
    var workflowID: String
    /// Shapes the job's input from `{"event": body, "chatbot": {...}}`; nil: the event body.
    var inputMap: [String: JSONPath]?
}
