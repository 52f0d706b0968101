// A session's setup that a stop interrupts: consumes and channel opens wait for the broker's
// answer, which a stalled queue may hold back for a minute or more.

extension StopSignal {
    /// Runs `body`; if the signal fires before `body` returns, runs `interrupt` once, which
    /// should end what `body` waits for (close the connections it waits on, so that their
    /// methods fail at once), and `body` then throws.
    ///
    /// For the setup of a session, not its work: a worker whose queue stalls (a quorum queue
    /// that lost its quorum answers no `basic.consume`) stops within seconds instead of
    /// waiting for an answer that may never come.
    func interrupting<T>(_ body: () async throws -> T, with interrupt: @escaping @Sendable () async -> Void) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask {
                await self.wait()
                guard !Task.isCancelled else { return }
                await interrupt()
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
