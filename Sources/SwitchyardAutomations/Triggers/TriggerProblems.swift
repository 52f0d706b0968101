// What is wrong with a trigger a tenant sent: every problem, each at its JSON Pointer.

import SwitchyardAPI

/// A trigger that ``TriggerValidator`` refused, with every problem it found.
struct TriggerProblems: Error, Sendable {
    /// The problems (at most ``TriggerValidator/maximumProblems``), each naming its field by a
    /// JSON Pointer into the request (`/trigger/conditions/1/op`) and saying what was expected
    /// and what was got.
    var problems: [APIError.Problem]
}
