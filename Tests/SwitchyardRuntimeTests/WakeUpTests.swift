@testable import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// The relay's wake-up: a timed-out wait must not leave later waits returning at once (which
/// turned the relay into a busy loop), and a poke must end a wait early.
@Suite struct WakeUpTests {
    @Test func aWaitAfterATimeoutStillWaits() async {
        let wake = WakeUp()
        let stop = StopSignal()
        for _ in 0..<3 {
            let started = ContinuousClock.now
            await wake.wait(atMost: .milliseconds(100), or: stop)
            #expect(ContinuousClock.now - started >= .milliseconds(100))
        }
    }

    @Test func aPokeEndsAWaitAndPokesBeforeAWaitCountOnce() async throws {
        let wake = WakeUp()
        let stop = StopSignal()
        wake.poke()
        wake.poke()
        var started = ContinuousClock.now
        await wake.wait(atMost: .seconds(30), or: stop)
        #expect(ContinuousClock.now - started < .seconds(5), "a pending poke ends the wait at once")
        started = ContinuousClock.now
        await wake.wait(atMost: .milliseconds(100), or: stop)
        #expect(ContinuousClock.now - started >= .milliseconds(100), "two pokes were one")

        started = ContinuousClock.now
        async let waited: Void = wake.wait(atMost: .seconds(30), or: stop)
        try await eventually("the waiter to park", timeout: .seconds(5)) { wake.isWaiting }
        wake.poke()
        await waited
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func theStopSignalEndsAWait() async {
        let wake = WakeUp()
        let stop = StopSignal()
        let started = ContinuousClock.now
        async let waited: Void = wake.wait(atMost: .seconds(30), or: stop)
        stop.trigger()
        await waited
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
