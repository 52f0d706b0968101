// Deliveries waiting for a handler slot, highest-priority lane first.

import DequeModule
import Synchronization

/// Deliveries from every lane's consumer, handed to handler tasks highest lane first. Its size
/// is bounded by the consumers' prefetch, so it needs no bound of its own.
final class LaneBuffer<Item: Sendable>: Sendable {
    private struct State {
        var lanes: [Deque<Item>]
        var waiters: Deque<(id: Int, continuation: CheckedContinuation<Item?, Never>)> = []
        var nextWaiterID = 0
        var isFinished = false
    }

    private let state: Mutex<State>

    /// Creates a buffer.
    /// - Parameter laneCount: How many lanes; lane 0 drains first.
    init(laneCount: Int) {
        state = Mutex(State(lanes: Array(repeating: [], count: laneCount)))
    }

    /// Adds a delivery, or hands it straight to a waiting handler task.
    func push(_ item: Item, lane: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Item?, Never>? in
            if let waiter = state.waiters.popFirst() { return waiter.continuation }
            state.lanes[lane].append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    /// The next delivery, highest lane first; nil once ``finish()`` was called and none is left
    /// that a handler should start, or when the task is cancelled.
    func next() async -> Item? {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Item?? in
                    if state.isFinished || Task.isCancelled { return .some(nil) }
                    for lane in state.lanes.indices {
                        if let item = state.lanes[lane].popFirst() { return .some(item) }
                    }
                    state.waiters.append((id, continuation))
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Item?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// How many handler tasks wait for a delivery now.
    var waitingCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Stops handing out deliveries: waiting tasks get nil.
    /// - Returns: The deliveries no handler started (the caller requeues them).
    func finish() -> [Item] {
        let (waiters, left) = state.withLock { state in
            state.isFinished = true
            defer {
                state.waiters.removeAll()
                state.lanes = state.lanes.map { _ in [] }
            }
            return (Array(state.waiters), state.lanes.flatMap { $0 })
        }
        waiters.forEach { $0.continuation.resume(returning: nil) }
        return left
    }
}
