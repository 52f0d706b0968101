// A bound on the memory that large answers hold at once in one process.

import HTTPTypes
import Synchronization
import SwitchyardConcurrency

/// Bounds the bytes that large answers (a job with every step's input and output) hold at once.
///
/// A request reserves its answer's estimated size before the answer is read from the database;
/// the ``Reservation`` goes into the answer's body and gives the bytes back when the body is
/// released, after it was written or when the client went away, so the budget follows the
/// memory itself. A reservation waits while others hold the budget, first come first served,
/// for at most ``wait``, and is then refused with 503 and `Retry-After`. One larger than the
/// whole budget waits until nothing else is held and then holds all of it, so any answer can
/// still be had, one at a time.
public final class AnswerBudget: Sendable {
    /// The bytes that reservations may hold together.
    public let capacity: Int
    /// The longest a reservation waits before it is refused.
    public let wait: Duration

    private struct Waiter {
        var id: Int
        var bytes: Int
        var continuation: CheckedContinuation<Void, any Error>
        var timer: UInt64
    }

    private struct State {
        var held = 0
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Creates a budget of `capacity` bytes (at least 1) whose reservations wait at most `wait`.
    public init(capacity: Int, wait: Duration = .seconds(5)) {
        self.capacity = max(1, capacity)
        self.wait = wait
    }

    /// The bytes held now.
    public var held: Int { state.withLock { $0.held } }

    /// The reservations waiting now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Reserves `bytes` (at most ``capacity``), waiting while others hold the budget.
    /// - Throws: ``APIError`` 503 `answers_busy` with `Retry-After` when ``wait`` passes first;
    ///   `CancellationError` when the task is cancelled while it waits.
    public func reserve(_ bytes: Int) async throws -> Reservation {
        let amount = min(max(bytes, 0), capacity)
        let id: Int? = state.withLock { state in
            if state.waiters.isEmpty, state.held + amount <= capacity {
                state.held += amount
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return Reservation(budget: self, bytes: amount) }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard !Task.isCancelled else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                state.withLock { state in
                    // Scheduled under the lock so that the timer can't fire before the waiter is
                    // queued; the deadline thread runs its actions without its own lock held.
                    let timer = DeadlineThread.shared.schedule(at: .now + wait) { [self] in
                        fail(
                            id,
                            with: APIError(
                                .serviceUnavailable, "answers_busy",
                                "this server is already sending as many large answers as its memory budget allows; retry later",
                                retryAfter: 1))
                    }
                    state.waiters.append(Waiter(id: id, bytes: amount, continuation: continuation, timer: timer))
                }
                grant()
            }
        } onCancel: {
            fail(id, with: CancellationError())
        }
        return Reservation(budget: self, bytes: amount)
    }

    /// Gives `bytes` back and lets waiters in.
    fileprivate func release(_ bytes: Int) {
        state.withLock { $0.held -= bytes }
        grant()
    }

    /// Lets in the waiters at the head of the queue that now fit.
    private func grant() {
        let granted: [Waiter] = state.withLock { state in
            var granted: [Waiter] = []
            while let first = state.waiters.first, state.held + first.bytes <= capacity {
                state.waiters.removeFirst()
                state.held += first.bytes
                granted.append(first)
            }
            return granted
        }
        for waiter in granted {
            DeadlineThread.shared.withdraw(waiter.timer)
            waiter.continuation.resume()
        }
    }

    /// Ends waiter `id`'s wait with `error`, unless it was let in already.
    private func fail(_ id: Int, with error: any Error) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        guard let waiter else { return }
        DeadlineThread.shared.withdraw(waiter.timer)
        waiter.continuation.resume(throwing: error)
        // The waiter may have held back smaller ones behind it.
        grant()
    }

    /// Bytes held until this is released: keep it alive as long as the memory it stands for.
    public final class Reservation: Sendable {
        private let budget: AnswerBudget
        /// The bytes held.
        public let bytes: Int

        fileprivate init(budget: AnswerBudget, bytes: Int) {
            self.budget = budget
            self.bytes = bytes
        }

        deinit {
            budget.release(bytes)
        }
    }
}
