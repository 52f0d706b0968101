// Token buckets per key (API key id, client address), bounded in memory.

import Foundation
import Synchronization

/// Per-key token buckets: `rate` tokens per second sustained, bursts up to `burst`.
///
/// Keys whose bucket has refilled completely are forgotten once more than ``maxKeys`` are
/// held, so callers that come and go (client addresses) can't grow it without bound.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// How many buckets are kept before full ones are forgotten.
    static let maxKeys = 10_000

    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Creates buckets of `burst` tokens refilled at `rate` per second.
    public init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// Takes `cost` tokens for `key`.
    /// - Returns: nil when allowed, else the whole seconds until enough tokens are back.
    public func take(_ key: String, cost: Double = 1, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            var bucket = refilled(buckets[key], now: now)
            defer {
                buckets[key] = bucket
                if buckets.count > Self.maxKeys { forgetFull(&buckets, now: now) }
            }
            guard bucket.tokens >= cost else { return wait(for: cost - bucket.tokens) }
            bucket.tokens -= cost
            return nil
        }
    }

    /// Whether `key` could take `cost` tokens now, without taking them.
    /// - Returns: nil when it could, else the whole seconds until it can.
    public func check(_ key: String, cost: Double = 1, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return nil }
            let tokens = refilled(bucket, now: now).tokens
            return tokens >= cost ? nil : wait(for: cost - tokens)
        }
    }

    /// How many buckets are held now.
    var keyCount: Int {
        buckets.withLock { $0.count }
    }

    private func refilled(_ bucket: Bucket?, now: ContinuousClock.Instant) -> Bucket {
        guard var bucket else { return Bucket(tokens: burst, updated: now) }
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(burst, bucket.tokens + seconds * rate)
        bucket.updated = now
        return bucket
    }

    private func wait(for missing: Double) -> Int {
        max(1, Int((missing / rate).rounded(.up)))
    }

    private func forgetFull(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < burst }
    }
}
