// Step messages now or later: later ones wait in the broker's retry tiers, never in a worker.

import Foundation
import Switchyard
import SwitchyardCore

/// Makes `workflow.step` events: at once, after a retry's backoff (the nearest tier not
/// shorter, as the runtime's retries), or after a `delay` step's wait (tier by tier, the
/// longest tier not longer than what is left, so a wait overshoots by less than the shortest
/// tier). A wait longer than the chosen tier carries `not_before`; the worker that receives it
/// early sends it on for the rest.
struct StepScheduler: Sendable {
    let topology: Topology
    /// The role that runs steps.
    static let role = "workflow"
    /// What is left of a wait below this runs at once.
    static let tolerance = Duration.milliseconds(100)

    /// `message` at once.
    func now(_ message: StepMessage, tenantID: String?) -> OutgoingEvent {
        message.event(tenantID: tenantID)
    }

    /// `message` after `backoff`: the nearest tier not shorter (the longest, and `not_before`,
    /// when none is long enough).
    /// - Returns: The event and how long until it runs.
    func retry(_ message: StepMessage, after backoff: Duration, tenantID: String?, now: Date = Date()) throws -> (OutgoingEvent, Duration) {
        let tier = topology.retryTier(atLeast: backoff)
        var message = message
        message.notBefore = tier.delay < backoff ? Self.epochMilliseconds(now) + backoff.milliseconds : nil
        return (try topology.delayed(message.event(tenantID: tenantID), in: tier, toRole: Self.role), max(tier.delay, backoff))
    }

    /// `message` after about `wait`; at once when the wait is within ``tolerance``.
    func after(_ wait: Duration, _ message: StepMessage, tenantID: String?, now: Date = Date()) throws -> OutgoingEvent {
        var message = message
        guard wait > Self.tolerance else {
            message.notBefore = nil
            return message.event(tenantID: tenantID)
        }
        let tier = topology.retryTier(atMost: wait)
        message.notBefore = Self.epochMilliseconds(now) + wait.milliseconds
        return try topology.delayed(message.event(tenantID: tenantID), in: tier, toRole: Self.role)
    }

    /// The longest wait a step can ask for (the `delay` transformer's).
    static let longestWait = Duration.seconds(DelayTransformer.maxSeconds)

    /// How long until `notBefore`, or nil when it has come (within ``tolerance``). The time
    /// comes from the message, so one far before the epoch has come, and one beyond
    /// ``longestWait`` waits that long.
    static func remaining(until notBefore: Int64?, now: Date = Date()) -> Duration? {
        guard let notBefore else { return nil }
        let (milliseconds, overflow) = notBefore.subtractingReportingOverflow(epochMilliseconds(now))
        guard !overflow else { return nil }
        let left = min(Duration.milliseconds(milliseconds), longestWait)
        return left > tolerance ? left : nil
    }

    static func epochMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000).rounded())
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
