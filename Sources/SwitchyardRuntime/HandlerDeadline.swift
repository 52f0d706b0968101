// Runs a handler within its role's deadline; past it the delivery is a transient failure and
// the caller's slot is free again, whether or not the handler notices its cancellation.

import Synchronization

/// A handler run that ends at the deadline.
enum HandlerDeadline {
    /// The outcome of `role.handle(message)`, or a transient `timeout` failure once `timeout`
    /// has passed. The handler runs in a task of its own that is cancelled at the deadline and
    /// left to end by itself: its outcome is then discarded, so nothing it would have written is
    /// written, and a handler that ignores cancellation still can't hold the slot.
    static func run(_ role: any WorkerRole, _ message: WorkMessage, timeout: Duration) async -> HandlerOutcome {
        let race = Race()
        return await withCheckedContinuation { (continuation: CheckedContinuation<HandlerOutcome, Never>) in
            let handler = Task {
                let outcome = await role.handle(message)
                if race.win() {
                    race.cancelTimer()
                    continuation.resume(returning: outcome)
                }
            }
            race.setTimer(Task {
                guard (try? await Task.sleep(for: timeout)) != nil, race.win() else { return }
                handler.cancel()
                continuation.resume(returning: .transientFailure(HandlerFailure(
                    "timeout", "the \(role.name) handler did not finish within its deadline of \(timeout); its slot was freed")))
            })
        }
    }

    /// Which of the handler and the timer finished first, and the timer to stop when the
    /// handler did.
    private final class Race: Sendable {
        private struct State {
            var decided = false
            var timer: Task<Void, Never>?
        }

        private let state = Mutex(State())

        /// True for the first caller only.
        func win() -> Bool {
            state.withLock { state in
                defer { state.decided = true }
                return !state.decided
            }
        }

        /// Keeps the timer, or stops it at once when the handler already finished.
        func setTimer(_ timer: Task<Void, Never>) {
            let decided = state.withLock { state in
                state.timer = timer
                return state.decided
            }
            if decided { timer.cancel() }
        }

        func cancelTimer() {
            state.withLock { $0.timer }?.cancel()
        }
    }
}
