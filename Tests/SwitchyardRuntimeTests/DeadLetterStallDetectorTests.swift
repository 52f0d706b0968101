import Foundation
import SwitchyardRuntime
import Testing

/// A backlog that does not go down for the stall time is stalled; one that drains is not.
@Suite struct DeadLetterStallDetectorTests {
    typealias Observation = DeadLetterStallDetector.Observation
    let start = Date(timeIntervalSince1970: 1_000_000)

    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    @Test func aBacklogThatDoesNotGoDownIsStalledOnceTheTimeHasPassed() {
        var detector = DeadLetterStallDetector(stallAfter: .seconds(60))
        let stuck = Observation(queue: "sy.retry.1s", messagesDLX: 28, leader: "rabbit-2@localhost")
        #expect(detector.observe([stuck], at: at(0)).isEmpty)
        #expect(detector.observe([stuck], at: at(59)).isEmpty)
        var grown = stuck
        grown.messagesDLX = 30
        let stalls = detector.observe([grown], at: at(60))
        #expect(stalls == [.init(observation: grown, since: at(0))], "more arriving is not moving")
    }

    @Test func aBacklogThatGoesDownOrEmptiesStartsTheClockAgain() {
        var detector = DeadLetterStallDetector(stallAfter: .seconds(60))
        let queue = "sy.retry.5s"
        _ = detector.observe([Observation(queue: queue, messagesDLX: 50, leader: nil)], at: at(0))
        _ = detector.observe([Observation(queue: queue, messagesDLX: 49, leader: nil)], at: at(50))
        #expect(detector.observe([Observation(queue: queue, messagesDLX: 49, leader: nil)], at: at(100)).isEmpty,
                "it went down at 50 s")
        #expect(detector.observe([Observation(queue: queue, messagesDLX: 49, leader: nil)], at: at(110)).count == 1)
        _ = detector.observe([Observation(queue: queue, messagesDLX: 0, leader: nil)], at: at(120))
        #expect(detector.observe([Observation(queue: queue, messagesDLX: 3, leader: nil)], at: at(200)).isEmpty, "emptied")
    }

    @Test func queuesAreTrackedApartAndForgottenWhenGone() {
        var detector = DeadLetterStallDetector(stallAfter: .seconds(10))
        let a = Observation(queue: "a", messagesDLX: 1, leader: nil)
        let b = Observation(queue: "b", messagesDLX: 1, leader: nil)
        _ = detector.observe([a, b], at: at(0))
        _ = detector.observe([a], at: at(5))
        #expect(detector.observe([a, b], at: at(20)).map(\.observation.queue) == ["a"], "b was gone at 5 s")
    }
}

/// `SWITCHYARD_DLX_STALL_SECONDS` sets the stall time and, from it, the look and recovery spacing.
@Suite struct DeadLetterStallSettingsTests {
    @Test func theStallTimeSetsTheIntervals() throws {
        let defaults = try DeadLetterStallWatch.Settings(environment: [:])
        #expect(defaults.stallAfter == .seconds(60) && defaults.interval == .seconds(15) && defaults.recoverySpacing == .seconds(120))
        let quick = try DeadLetterStallWatch.Settings(environment: ["SWITCHYARD_DLX_STALL_SECONDS": "8"])
        #expect(quick.stallAfter == .seconds(8) && quick.interval == .seconds(2))
        #expect(quick.recoverySpacing == .seconds(60), "a minute at least: the statistics lag a moved leadership")
        let slow = try DeadLetterStallWatch.Settings(environment: ["SWITCHYARD_DLX_STALL_SECONDS": "45"])
        #expect(slow.recoverySpacing == .seconds(90))
    }

    @Test(arguments: ["3", "a minute", "", "-5"]) func aBadValueNamesTheVariable(_ value: String) {
        #expect {
            _ = try DeadLetterStallWatch.Settings(environment: ["SWITCHYARD_DLX_STALL_SECONDS": value])
        } throws: { error in
            "\(error)".contains("SWITCHYARD_DLX_STALL_SECONDS") && "\(error)".contains("got '\(value)'")
        }
    }
}
