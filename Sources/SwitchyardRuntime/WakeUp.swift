// A wake-up that many pokes coalesce into, waited on with a timeout.

import Synchronization

/// A wake-up that can be poked many times and waited on, by one waiter at a time, with a
/// timeout.
///
/// Pokes that arrive while nobody waits are remembered as one, so a wait that starts after a
/// poke returns at once.
final class WakeUp: Sendable {
    private struct State {
        var poked = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Whether a waiter is parked, waiting for a poke.
    var isWaiting: Bool {
        state.withLock { $0.waiter != nil }
    }

    /// Records a wake-up (several before a wait count as one).
    func poke() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.poked = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits for a poke, at most `timeout`, and no longer than until `stop` fires.
    func wait(atMost timeout: Duration, or stop: StopSignal) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.nextPoke() }
            group.addTask { await stop.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns at the next poke (or at once if one is pending), or when cancelled.
    private func nextPoke() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let pending = state.withLock { state -> Bool in
                    if state.poked {
                        state.poked = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if pending { continuation.resume() }
            }
        } onCancel: {
            poke()
        }
    }
}
