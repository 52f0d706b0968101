// A wake-up that many pokes coalesce into, waited on with a timeout.

/// A wake-up that can be poked many times and waited on with a timeout.
final class WakeUp: Sendable {
    private let pokes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (pokes, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Records a wake-up (several before a wait count as one).
    func poke() {
        continuation.yield()
    }

    /// Waits for a poke, at most `timeout`, and no longer than until `stop` fires.
    func wait(atMost timeout: Duration, or stop: StopSignal) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = self.pokes.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask { await stop.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
