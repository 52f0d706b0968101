// The bounded set of workers, handed out first come, first served.

import Synchronization

/// Lends ``HTTPWorker``s to requests: an idle one if there is one (the most recently used, whose
/// connections are warmest), else a new one while fewer than `maxConcurrentRequests` exist, else
/// the request waits in line without spinning until a worker is returned.
final class HTTPWorkerPool: Sendable {
    private struct Waiter {
        let ticket: UInt64
        let continuation: CheckedContinuation<HTTPWorker, any Error>
    }

    private struct State {
        var idle: [HTTPWorker] = []
        var created = 0
        var lent = 0
        var waiters: [Waiter] = []
        var nextTicket: UInt64 = 0
        var isShutDown = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private enum Grant {
        case worker(HTTPWorker)
        case create(number: Int)
        case failure(HTTPClientError)
        case wait
    }

    private let configuration: HTTPClient.Configuration
    private let state = Mutex(State())

    /// Creates an empty pool; workers start on demand.
    /// - Parameter configuration: The client's settings; `maxConcurrentRequests` bounds the pool.
    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
    }

    /// How many requests wait in line for a worker now.
    var waitingCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Borrows a worker, waiting in line if all are busy. Return it with ``checkIn(_:)``.
    /// - Throws: ``HTTPClientError`` ``HTTPClientError/Code/cancelled`` if the task is cancelled
    ///   while waiting, ``HTTPClientError/Code/shutdown`` after ``shutdown()``.
    func checkOut() async throws -> HTTPWorker {
        let ticket = state.withLock { state in
            defer { state.nextTicket += 1 }
            return state.nextTicket
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let grant = state.withLock { state -> Grant in
                    if state.isShutDown {
                        return .failure(.shutdown())
                    }
                    // Checked under the lock: a cancellation handler that ran before this point
                    // found no waiter to remove, so the flag must be seen here.
                    if Task.isCancelled {
                        return .failure(.cancelled())
                    }
                    if let worker = state.idle.popLast() {
                        state.lent += 1
                        return .worker(worker)
                    }
                    if state.created < configuration.maxConcurrentRequests {
                        state.created += 1
                        state.lent += 1
                        return .create(number: state.created)
                    }
                    state.waiters.append(Waiter(ticket: ticket, continuation: continuation))
                    return .wait
                }
                switch grant {
                case .worker(let worker):
                    continuation.resume(returning: worker)
                case .create(let number):
                    let worker = HTTPWorker(name: "http-\(number)", configuration: configuration)
                    continuation.resume(returning: worker)
                case .failure(let error):
                    continuation.resume(throwing: error)
                case .wait:
                    break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.ticket == ticket }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: HTTPClientError.cancelled())
        }
    }

    /// Returns a worker: to the first waiting request if any, else to the idle set.
    func checkIn(_ worker: HTTPWorker) {
        enum Next {
            case handOver(CheckedContinuation<HTTPWorker, any Error>)
            case idle([CheckedContinuation<Void, Never>])
        }
        let next = state.withLock { state -> Next in
            if !state.waiters.isEmpty {
                return .handOver(state.waiters.removeFirst().continuation)
            }
            state.lent -= 1
            state.idle.append(worker)
            guard state.isShutDown, state.lent == 0 else { return .idle([]) }
            defer { state.drained.removeAll() }
            return .idle(state.drained)
        }
        switch next {
        case .handOver(let continuation):
            continuation.resume(returning: worker)
        case .idle(let drained):
            drained.forEach { $0.resume() }
        }
    }

    /// Fails every waiting request, waits until every lent worker is back, then closes them all.
    func shutdown() async {
        let waiters = state.withLock { state in
            state.isShutDown = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiters.forEach { $0.continuation.resume(throwing: HTTPClientError.shutdown()) }
        await withCheckedContinuation { continuation in
            let isDrained = state.withLock { state in
                if state.lent > 0 {
                    state.drained.append(continuation)
                }
                return state.lent == 0
            }
            if isDrained {
                continuation.resume()
            }
        }
        let workers = state.withLock { state in
            defer { state.idle.removeAll() }
            return state.idle
        }
        for worker in workers {
            await worker.close()
        }
    }
}
