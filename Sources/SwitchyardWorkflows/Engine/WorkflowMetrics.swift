// The engine's metrics: steps by transformer type and outcome, and how long they take.

import Metrics
import SwitchyardCore

/// `switchyard_workflow_steps_total{transformer,outcome}` and
/// `switchyard_workflow_step_duration_seconds{transformer}`. The transformer label is the
/// built-in type, never a tenant's transformer id, so the label set stays small.
struct WorkflowMetrics: Sendable {
    /// How a step attempt ended.
    enum Outcome: String {
        case completed, retry, failed, waiting, deferred
    }

    func record(_ type: TransformerType, _ outcome: Outcome, duration: Duration) {
        Counter(label: "switchyard_workflow_steps_total", dimensions: [("transformer", type.rawValue), ("outcome", outcome.rawValue)])
            .increment()
        Metrics.Timer(label: "switchyard_workflow_step_duration_seconds", dimensions: [("transformer", type.rawValue)])
            .recordNanoseconds(duration.nanoseconds)
    }
}
