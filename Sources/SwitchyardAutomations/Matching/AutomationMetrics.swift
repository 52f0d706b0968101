// The automations role's metrics: events by outcome, executions, match time.

import Metrics
import SwitchyardCore

/// `switchyard_automation_events_total{outcome}`, `switchyard_automation_executions_total{status}`,
/// `switchyard_automation_match_seconds` (the in-memory match of one event against its
/// chatbot's automations; microsecond buckets, see `MetricsEndpoint`) and
/// `switchyard_automation_chatbot_loads_total` (chatbots read from the database: the cache's misses).
struct AutomationMetrics: Sendable {
    /// What became of an event.
    enum EventOutcome: String {
        /// At least one automation matched.
        case matched
        /// The chatbot is the tenant's, no automation matched.
        case noMatch = "no_match"
        /// The chatbot id names no chatbot.
        case unknownChatbot = "unknown_chatbot"
        /// The chatbot is another tenant's.
        case otherTenant = "other_tenant"
        /// The message carries no tenant.
        case noTenant = "no_tenant"
    }

    /// The match-time histogram's label.
    static let matchSeconds = "switchyard_automation_match_seconds"

    func event(_ outcome: EventOutcome) {
        Counter(label: "switchyard_automation_events_total", dimensions: [("outcome", outcome.rawValue)]).increment()
    }

    func executions(started: Int, failed: Int) {
        if started > 0 { Counter(label: "switchyard_automation_executions_total", dimensions: [("status", "started")]).increment(by: started) }
        if failed > 0 { Counter(label: "switchyard_automation_executions_total", dimensions: [("status", "failed")]).increment(by: failed) }
    }

    func loaded() {
        Counter(label: "switchyard_automation_chatbot_loads_total").increment()
    }

    func match(_ duration: Duration) {
        Metrics.Timer(label: Self.matchSeconds).recordNanoseconds(duration.nanoseconds)
    }
}
