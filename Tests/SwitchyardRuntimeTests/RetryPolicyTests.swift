import Foundation
import Switchyard
import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// Which retry tier a failure waits in (the repository's tiers: 1s, 5s, 30s, 2m, 10m).
@Suite struct RetryPolicyTests {
    static let topology = try! Topology.load(path: TestEnvironment.repositoryRoot.appending(path: "topology/switchyard.yaml").path)

    @Test func backoffDoublesPerAttemptAndPicksTheShortestTierNotShorter() {
        let policy = RetryPolicy(tiers: Self.topology.retryTiers)
        // Without jitter: 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, 64 s, 128 s, ...
        let tiers = (1...8).map { policy.tier(afterAttempt: $0, random: 0).name }
        #expect(tiers == ["1s", "5s", "5s", "30s", "30s", "2m", "2m", "10m"])
        #expect(policy.tier(afterAttempt: 40, random: 0).name == "10m", "past the longest tier, the longest")
        #expect(policy.tier(afterAttempt: 0, random: 0).name == "1s", "attempts below 1 count as the first")
    }

    @Test func jitterSpreadsTheBackoffByAtMostItsFraction() {
        let policy = RetryPolicy(tiers: Self.topology.retryTiers, jitter: 0.25)
        // Attempt 3 waits 4 s ± 25 %: 3 s to 5 s, always the 5 s tier.
        #expect(policy.tier(afterAttempt: 3, random: -1).name == "5s")
        #expect(policy.tier(afterAttempt: 3, random: 1).name == "5s")
        // Attempt 4 waits 8 s ± 25 %: 6 s to 10 s, the 30 s tier.
        #expect(policy.tier(afterAttempt: 4, random: -1).name == "30s")
    }

    @Test func aRetryAfterIsNeverShortened() {
        let policy = RetryPolicy(tiers: Self.topology.retryTiers)
        #expect(policy.tier(atLeast: .milliseconds(1)).name == "1s")
        #expect(policy.tier(atLeast: .seconds(5)).name == "5s")
        #expect(policy.tier(atLeast: .milliseconds(5_001)).name == "30s")
        #expect(policy.tier(atLeast: .seconds(3_600)).name == "10m", "beyond the longest tier, the longest")
    }
}
