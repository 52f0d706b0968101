// Which retry tier a failed attempt waits in: exponential backoff with jitter, or no sooner
// than a rate limit's retry-after.

public import Switchyard

/// Picks retry tiers. No delay is ever held in worker memory: the tier's queue holds it.
public struct RetryPolicy: Sendable {
    /// The topology's tiers, shortest first.
    public var tiers: [Topology.RetryTier]
    /// The delay after the first failure; doubled for each further attempt.
    public var baseDelay: Duration
    /// Random spread around the backoff, as a fraction (0.25 = ±25 %).
    public var jitter: Double

    /// Creates a policy.
    public init(tiers: [Topology.RetryTier], baseDelay: Duration = .seconds(1), jitter: Double = 0.25) {
        precondition(!tiers.isEmpty, "a retry policy needs at least one tier")
        self.tiers = tiers
        self.baseDelay = baseDelay
        self.jitter = jitter
    }

    /// The tier for a transient failure of attempt `attempt` (from 1): the shortest tier not
    /// shorter than `baseDelay × 2^(attempt-1)` with jitter, else the longest.
    public func tier(afterAttempt attempt: Int, random: Double = Double.random(in: -1...1)) -> Topology.RetryTier {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let backoff = baseDelay * (pow2(exponent) * (1 + jitter * random))
        return tier(atLeast: backoff)
    }

    /// The shortest tier not shorter than `delay` (a rate limit's retry-after), else the longest.
    public func tier(atLeast delay: Duration) -> Topology.RetryTier {
        tiers.first { $0.delay >= delay } ?? tiers[tiers.count - 1]
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}
