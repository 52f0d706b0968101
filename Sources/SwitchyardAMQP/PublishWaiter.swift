// Who hears the outcome of a publish: one awaiting task, or one slot of a batch.

/// Receives the outcome of one publish (the broker's confirm, or the write without confirms).
enum PublishWaiter: Sendable {
    case single(UnsafeContinuation<Void, any Error>)
    case batch(PublishBatch, index: Int)

    func resolve(_ result: Result<Void, AMQPError>) {
        switch self {
        case .single(let continuation):
            continuation.resume(with: result.mapError { $0 })
        case .batch(let batch, let index):
            batch.complete(index, with: result)
        }
    }
}

/// The outcomes of a batch of publishes, handed back together once every one is known.
///
/// `@unchecked Sendable`: created by the publishing task, then touched only by the loop thread.
final class PublishBatch: @unchecked Sendable {
    private var results: [Result<Void, AMQPError>]
    private var remaining: Int
    private let outcomes: @Sendable ([Result<Void, AMQPError>]) -> Void

    init(count: Int, outcomes: @escaping @Sendable ([Result<Void, AMQPError>]) -> Void) {
        results = Array(repeating: .success(()), count: count)
        remaining = count
        self.outcomes = outcomes
    }

    func complete(_ index: Int, with result: Result<Void, AMQPError>) {
        results[index] = result
        remaining -= 1
        if remaining == 0 {
            outcomes(results)
        }
    }

    /// Fails the publishes in `slots`, none of which was sent (or will be).
    func fail(_ slots: Range<Int>, with error: AMQPError) {
        for index in slots { complete(index, with: .failure(error)) }
    }
}
