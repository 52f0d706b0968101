// Waiting steps in the broker's retry tiers: which tier, and when a message must wait again.

import Foundation
import Switchyard
import SwitchyardCore
import SwitchyardTestSupport
@testable import SwitchyardWorkflows
import Testing

struct StepSchedulerTests {
    let topology: Topology
    let scheduler: StepScheduler

    init() throws {
        topology = try Topology.load(path: TestEnvironment.repositoryRoot.appending(path: "topology/switchyard.yaml").path, virtualHost: "/")
        scheduler = StepScheduler(topology: topology)
    }

    func tier(_ event: OutgoingEvent) -> String? { event.delay?.tier }
    func body(_ event: OutgoingEvent) throws -> StepMessage { try JSONDecoder().decode(StepMessage.self, from: Data(event.body)) }

    @Test func aRetryWaitsInTheNearestTierNotShorterThanItsBackoff() throws {
        let message = StepMessage(jobID: UUID().uuidString, stepID: "call", attempt: 2)
        let (soon, wait) = try scheduler.retry(message, after: .milliseconds(600), tenantID: "t")
        #expect(tier(soon) == "1s" && wait == .seconds(1))
        #expect(soon.delay?.exchange == "sy.retry" && soon.delay?.queue == "sy.work.workflow")
        #expect(try body(soon).notBefore == nil && body(soon).attempt == 2)
        #expect(tier(try scheduler.retry(message, after: .seconds(3), tenantID: "t").0) == "5s")
        let (long, longWait) = try scheduler.retry(message, after: .seconds(3_600), tenantID: "t")
        #expect(tier(long) == "10m" && longWait == .seconds(3_600))
        #expect(try body(long).notBefore != nil, "longer than the longest tier: the rest is waited out on arrival")
    }

    @Test func aDelayHopsTierByTierWithoutOvershootingByMoreThanTheShortest() throws {
        let message = StepMessage(jobID: UUID().uuidString, stepID: "nap", resume: true)
        let now = Date()
        let first = try scheduler.after(.seconds(45), message, tenantID: "t", now: now)
        #expect(tier(first) == "30s")
        let notBefore = try #require(try body(first).notBefore)
        let remaining = try #require(StepScheduler.remaining(until: notBefore, now: now.addingTimeInterval(30)))
        #expect(remaining == .seconds(15))
        #expect(tier(try scheduler.after(remaining, message, tenantID: "t")) == "5s")
        #expect(StepScheduler.remaining(until: notBefore, now: now.addingTimeInterval(44.95)) == nil, "within 100 ms: run now")
        #expect(try scheduler.after(.milliseconds(50), message, tenantID: "t").delay == nil, "no wait: at once")
        #expect(tier(try scheduler.after(.milliseconds(400), message, tenantID: "t")) == "1s", "shorter than every tier: the shortest")
    }

    @Test func aNotBeforeNoStepCouldHaveAskedForIsClampedNotTrapped() throws {
        let now = Date()
        #expect(StepScheduler.remaining(until: .min, now: now) == nil, "far before the epoch: it has come")
        #expect(StepScheduler.remaining(until: -1, now: now) == nil)
        #expect(StepScheduler.remaining(until: .max, now: now) == StepScheduler.longestWait, "far ahead: the longest wait a step can ask for")
        #expect(StepScheduler.longestWait == .seconds(7 * 24 * 3_600))
        let message = StepMessage(jobID: UUID().uuidString, stepID: "nap", resume: true, notBefore: .max)
        let again = try scheduler.after(StepScheduler.longestWait, message, tenantID: "t", now: now)
        #expect(try body(again).notBefore == StepScheduler.epochMilliseconds(now) + 7 * 24 * 3_600_000, "then waited out from now")
    }
}
