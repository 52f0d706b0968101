// Runs a handler within its role's deadline; past it the delivery is a transient failure and
// the caller's slot is free again, whether or not the handler notices its cancellation.

import SwitchyardConcurrency
import Synchronization

/// A handler run that ends at the deadline.
enum HandlerDeadline {
    /// The outcome of `role.handle(message)`, or a transient `timeout` failure once `timeout`
    /// has passed. The handler runs in a task of its own that is cancelled at the deadline and
    /// left to end by itself: its outcome is then discarded, so nothing it would have written is
    /// written, and a handler that ignores cancellation while it waits still can't hold the slot.
    ///
    /// The handler's task starts on the caller's thread and runs there until it first suspends
    /// (`Task.immediate`): a handler that doesn't wait (the probe's; one that decides from the
    /// message alone) ends there, and its caller goes on, with no task woken on another thread.
    /// A deadline that passes while the handler still runs on that thread is decided as soon as
    /// it fires; the caller resumes, and the handler's task is cancelled, when the handler first
    /// suspends (its task's handle exists only from then).
    static func run(_ role: any WorkerRole, _ message: WorkMessage, timeout: Duration) async -> HandlerOutcome {
        let race = Race()
        let deadlines = DeadlineThread.shared
        return await withCheckedContinuation { (continuation: CheckedContinuation<HandlerOutcome, Never>) in
            race.setDeadline(deadlines.schedule(at: .now + timeout) {
                guard race.win() else { return }
                race.cancelHandler()
                continuation.resume(returning: .transientFailure(HandlerFailure(
                    "timeout", "the \(role.name) handler did not finish within its deadline of \(timeout); its slot was freed")))
            }, from: deadlines)
            race.setHandler(Task.immediate {
                let outcome = await role.handle(message)
                if race.win() {
                    race.withdrawDeadline(from: deadlines)
                    continuation.resume(returning: outcome)
                }
            })
        }
    }

    /// Which of the handler and the deadline came first, the deadline to withdraw when the
    /// handler did, and the handler's task to cancel when the deadline did.
    private final class Race: Sendable {
        private struct State {
            var decided = false
            var deadline: UInt64?
            var handler: Task<Void, Never>?
            var cancelled = false
        }

        private let state = Mutex(State())

        /// True for the first caller only.
        func win() -> Bool {
            state.withLock { state in
                defer { state.decided = true }
                return !state.decided
            }
        }

        /// Keeps the deadline's token, or withdraws it at once when the handler already finished.
        func setDeadline(_ token: UInt64, from deadlines: DeadlineThread) {
            let decided = state.withLock { state in
                state.deadline = token
                return state.decided
            }
            if decided { deadlines.withdraw(token) }
        }

        func withdrawDeadline(from deadlines: DeadlineThread) {
            if let token = state.withLock({ $0.deadline }) { deadlines.withdraw(token) }
        }

        /// Keeps the handler's task, or cancels it at once when the deadline came first (while
        /// the task ran on the caller's thread, before it was kept).
        func setHandler(_ handler: Task<Void, Never>) {
            let cancelled = state.withLock { state in
                state.handler = handler
                return state.cancelled
            }
            if cancelled { handler.cancel() }
        }

        /// Cancels the handler's task now, or once it is kept.
        func cancelHandler() {
            state.withLock { state in
                state.cancelled = true
                return state.handler
            }?.cancel()
        }
    }
}
