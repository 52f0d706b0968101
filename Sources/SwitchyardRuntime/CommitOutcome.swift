// Where one delivery's commit result waits for the handler task that asked for it.

import Synchronization

/// One delivery's ``CommitResult``, set once by whoever commits its batch and read by the
/// handler task that asked: without a suspension when the handler committed the batch itself.
final class CommitOutcome: Sendable {
    private enum State {
        case pending
        case awaited(CheckedContinuation<CommitResult, Never>)
        case settled(CommitResult)
    }

    private let state = Mutex(State.pending)

    /// Sets the result and resumes the task waiting for it, if one is. Called once.
    func settle(_ result: CommitResult) {
        let waiting = state.withLock { state -> CheckedContinuation<CommitResult, Never>? in
            defer { state = .settled(result) }
            if case .awaited(let continuation) = state { return continuation }
            return nil
        }
        waiting?.resume(returning: result)
    }

    /// The result: at once when it is set, else once ``settle(_:)`` runs. Awaited once.
    func result() async -> CommitResult {
        if let settled = settledResult() { return settled }
        return await withCheckedContinuation { continuation in
            let settled = state.withLock { state -> CommitResult? in
                if case .settled(let result) = state { return result }
                state = .awaited(continuation)
                return nil
            }
            if let settled { continuation.resume(returning: settled) }
        }
    }

    private func settledResult() -> CommitResult? {
        state.withLock { state in
            if case .settled(let result) = state { return result }
            return nil
        }
    }
}
