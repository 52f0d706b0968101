// One thread that fires deadlines (handlers', pool waits'), in place of a timer per wait.

import Foundation

/// Runs an action once its deadline passes, unless it is withdrawn first.
///
/// A `Task.sleep` per wait would cost a task and a timer each, and on Linux a cancelled sleep's
/// timer stays queued until its deadline: at 8,000 deliveries a second and a five-minute
/// handler deadline that is millions of timers. Here the pending deadlines are at most the
/// waits in progress (a withdrawn one is removed at once), and one thread waits on a condition
/// for the earliest (at most a second at a time), woken only when a new deadline comes before
/// the end of its wait: scheduling a deadline more than a second away wakes no thread.
/// Actions run on that thread: keep them short (resume a continuation, start a task).
///
/// ```swift
/// let token = DeadlineThread.shared.schedule(at: .now + .seconds(5)) { continuation.resume(throwing: Timeout()) }
/// // ... the awaited thing happened first:
/// DeadlineThread.shared.withdraw(token)
/// ```
public final class DeadlineThread: @unchecked Sendable {
    // Sendable: every stored property but `condition` is touched only with `condition` locked.
    private let condition = NSCondition()
    private var pending: [UInt64: Pending] = [:]
    private var nextID: UInt64 = 0
    /// When the thread's current wait ends; nil until it first waits.
    private var waitingFor: ContinuousClock.Instant?
    private var started = false

    /// Creates a deadline thread of its own (most callers use ``shared``); its thread starts
    /// with the first deadline and runs for the life of the process.
    public init() {}

    private struct Pending {
        var deadline: ContinuousClock.Instant
        var action: @Sendable () -> Void
    }

    /// The process's deadline thread, started on first use.
    public static let shared = DeadlineThread()

    /// Schedules `action` for `deadline`.
    /// - Returns: The token that ``withdraw(_:)`` takes.
    public func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            NamedThread.start(name: "deadlines") { [self] in run() }
        }
        nextID += 1
        pending[nextID] = Pending(deadline: deadline, action: action)
        if waitingFor.map({ deadline < $0 }) ?? true { condition.signal() }
        return nextID
    }

    /// Withdraws a scheduled action; it won't run (unless it already did).
    public func withdraw(_ token: UInt64) {
        condition.lock()
        pending[token] = nil
        condition.unlock()
    }

    /// How many deadlines are pending.
    public var pendingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }

    private func run() {
        let clock = ContinuousClock()
        condition.lock()
        while true {
            let now = clock.now
            var due: [@Sendable () -> Void] = []
            var earliest: ContinuousClock.Instant?
            for (token, entry) in pending {
                if entry.deadline <= now {
                    due.append(entry.action)
                    pending[token] = nil
                } else if earliest.map({ entry.deadline < $0 }) ?? true {
                    earliest = entry.deadline
                }
            }
            if !due.isEmpty {
                condition.unlock()
                for action in due { action() }
                condition.lock()
                continue
            }
            // At most a second per wait, with deadlines pending or not: the condition's clock is
            // the wall clock, which may jump; and a deadline more than a second away (a
            // handler's, scheduled and withdrawn for each delivery) then never has to wake the
            // thread, even when none was pending.
            let until = min(earliest ?? now + Self.longestWait, now + Self.longestWait)
            waitingFor = until
            _ = condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(until - now)))
        }
    }

    /// The longest the thread waits before it looks at the pending deadlines again.
    private static let longestWait = Duration.seconds(1)

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
