// Statements a caller doesn't wait for: queued, then committed together without the WAL flush.

import Synchronization

/// The pool's queue of deferred writes (``PostgresPool/writeSoon(_:ifFailed:)``).
///
/// One writer task at a time, started by the first statement queued and waiting ``linger``,
/// takes everything queued (at most ``maxBatch``) into one transaction, and the rest in further
/// ones; it exists only while there is something to write. A batch the database refuses
/// is written again one statement per transaction, so one bad statement costs only itself.
final class DeferredWrites: Sendable {
    /// A statement and what to do when it could not be written.
    struct Write: Sendable {
        var statement: PostgresStatement
        var ifFailed: @Sendable (any Error) -> Void
    }

    private struct State {
        var queued: [Write] = []
        var isWriting = false
        /// Callers of ``drained()`` waiting for the queue to empty.
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The most statements waiting; past it, callers write their own (and wait for it).
    static let maxQueued = 10_000
    /// The most statements per transaction.
    static let maxBatch = 500
    /// How long the writer waits after the first statement before it writes: under light load
    /// the write then comes after the caller's own commit instead of competing with it for the
    /// database and the CPU (in `bench/development.sh`, writing at once made the stage medians
    /// longer than writing inline; waiting made them up to 1.6 ms shorter), and under load more
    /// statements share a transaction.
    static let linger = Duration.milliseconds(5)

    private let state = Mutex(State())

    /// Queues `write` and starts the writer if it isn't running.
    /// - Returns: `false` when the queue is full (the caller writes it itself).
    func enqueue(_ write: Write, writer: @escaping @Sendable ([Write]) async -> Void) -> Bool {
        let (accepted, start) = state.withLock { state -> (Bool, Bool) in
            guard state.queued.count < Self.maxQueued else { return (false, false) }
            state.queued.append(write)
            defer { state.isWriting = true }
            return (true, !state.isWriting)
        }
        if start {
            Task { await self.run(writer) }
        }
        return accepted
    }

    /// Returns once nothing is queued and no batch is being written.
    func drained() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                guard state.isWriting else { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Writes batches until the queue is empty, then wakes whoever waits for that.
    private func run(_ writer: @Sendable ([Write]) async -> Void) async {
        try? await Task.sleep(for: Self.linger)
        while true {
            let next = state.withLock { state -> ([Write], [CheckedContinuation<Void, Never>]) in
                guard !state.queued.isEmpty else {
                    state.isWriting = false
                    defer { state.drainWaiters = [] }
                    return ([], state.drainWaiters)
                }
                let batch = Array(state.queued.prefix(Self.maxBatch))
                state.queued.removeFirst(batch.count)
                return (batch, [])
            }
            guard !next.0.isEmpty else {
                for waiter in next.1 { waiter.resume() }
                return
            }
            await writer(next.0)
        }
    }
}
