import SwitchyardConcurrency
import Synchronization
import Testing

/// The deadlines' thread: actions fire at their deadline in deadline order, withdrawn
/// ones never, and nothing is kept for a deadline once it is withdrawn (a timer per delivery
/// used to stay queued until its deadline, growing the worker by the delivery rate).
@Suite struct DeadlineThreadTests {
    @Test func actionsFireAtTheirDeadlineEarliestFirstAndWithdrawnOnesNever() async {
        let deadlines = DeadlineThread()
        let fired = Mutex<[(String, ContinuousClock.Instant)]>([])
        let (events, done) = AsyncStream.makeStream(of: Void.self)
        let start = ContinuousClock.now
        func record(_ name: String) -> @Sendable () -> Void {
            { fired.withLock { $0.append((name, .now)) }; done.yield() }
        }
        _ = deadlines.schedule(at: start + .milliseconds(400), record("late"))
        let withdrawn = deadlines.schedule(at: start + .milliseconds(200), record("withdrawn"))
        // Earlier than the deadline the thread waits for: it must wake up for it.
        _ = deadlines.schedule(at: start + .milliseconds(100), record("early"))
        deadlines.withdraw(withdrawn)
        var count = 0
        for await _ in events {
            count += 1
            if count == 2 { break }
        }
        let order = fired.withLock { $0 }
        #expect(order.map(\.0) == ["early", "late"])
        #expect(order.count == 2 && order[0].1 - start >= .milliseconds(100) && order[1].1 - start >= .milliseconds(400))
        #expect(deadlines.pendingCount == 0)
    }

    @Test func aWithdrawnDeadlineKeepsNothing() {
        let deadlines = DeadlineThread()
        for _ in 0..<10_000 {
            let token = deadlines.schedule(at: .now + .seconds(300)) {}
            deadlines.withdraw(token)
        }
        #expect(deadlines.pendingCount == 0)
    }
}
