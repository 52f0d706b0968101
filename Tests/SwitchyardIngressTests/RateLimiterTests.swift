@testable import SwitchyardAPI
import Testing

/// The token buckets behind API-key rates and failed-authentication limits.
@Suite struct RateLimiterTests {
    @Test func aBurstPassesThenTheRateDecides() {
        let limiter = RateLimiter(rate: 2, burst: 3)
        let start = ContinuousClock.now
        #expect((0..<3).map { _ in limiter.take("k", now: start) } == [nil, nil, nil])
        #expect(limiter.take("k", now: start) == 1, "empty: one second until a token is back")
        #expect(limiter.take("k", now: start + .milliseconds(500)) == nil, "2 per second: a token after half a second")
        #expect(limiter.take("k", now: start + .milliseconds(600)) != nil)
        #expect(limiter.take("other", now: start) == nil, "each key has its own bucket")
    }

    @Test func checkingTakesNothing() {
        let limiter = RateLimiter(rate: 1, burst: 1)
        let start = ContinuousClock.now
        #expect(limiter.check("k", now: start) == nil)
        #expect(limiter.check("k", now: start) == nil)
        #expect(limiter.take("k", now: start) == nil)
        #expect(limiter.check("k", now: start) == 1)
    }

    @Test func fullBucketsAreForgottenSoManyKeysDontGrowItWithoutBound() {
        let limiter = RateLimiter(rate: 1_000, burst: 1)
        let start = ContinuousClock.now
        for index in 0..<(RateLimiter.maxKeys + 10) {
            _ = limiter.take("address-\(index)", now: start)
        }
        #expect(limiter.take("address-0", now: start) != nil, "a bucket used up just now is remembered")
        // A second later every bucket has refilled; the next key over the limit clears them.
        let later = start + .seconds(1)
        for index in 0..<(RateLimiter.maxKeys + 1) { _ = limiter.check("address-\(index)", now: later) }
        _ = limiter.take("one-more", now: later)
        #expect(limiter.keyCount <= 2, "\(limiter.keyCount)")
    }
}
