// A bounded set of connections lent to one task at a time, with a FIFO queue of waiters.

import SwitchyardConcurrency

/// A bounded pool of ``PostgresConnection``s.
///
/// Connections open lazily, up to ``Configuration/maxConnections``; each is lent to one task
/// at a time through ``withConnection(_:)`` or ``withTransaction(_:)``. When all are busy,
/// callers wait in FIFO order, for at most ``Configuration/acquireTimeout``. A connection that
/// comes back lost (the server or network ended it) or still inside a transaction is closed
/// and a fresh one opens for the next caller.
///
/// The pool only does bookkeeping (its connections block on their own threads), so it is an
/// actor on the default executor.
///
/// ```swift
/// let pool = PostgresPool(configuration: .init(url: url, maxConnections: 4))
/// let count = try await pool.withConnection { connection in
///     try connection.query("SELECT count(*) FROM outbox")[0].decode(Int.self, at: 0)
/// }
/// await pool.close()
/// ```
public actor PostgresPool {
    /// How to connect and how many connections to keep.
    public struct Configuration: Sendable {
        /// A libpq connection string, as for ``PostgresConnection/connect(url:)``.
        public var url: String
        /// The most connections open at once (at least 1).
        public var maxConnections: Int
        /// How long a caller waits for a free connection before failing with
        /// ``PostgresError/Code/poolTimeout``; `nil` waits as long as it takes.
        public var acquireTimeout: Duration?
        /// Settings (`synchronous_commit`: `off`, ...) applied to every connection the pool
        /// opens, before it is lent out.
        public var sessionSettings: [String: String]

        /// Creates a configuration.
        /// - Parameters:
        ///   - url: A libpq connection string.
        ///   - maxConnections: The most connections open at once (at least 1).
        ///   - acquireTimeout: The longest wait for a free connection; `nil` for no limit.
        ///   - sessionSettings: Settings for every connection the pool opens.
        public init(url: String, maxConnections: Int, acquireTimeout: Duration? = nil, sessionSettings: [String: String] = [:]) {
            self.url = url
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
            self.sessionSettings = sessionSettings
        }
    }

    /// A snapshot of the pool's counters.
    public struct Statistics: Sendable, Equatable {
        /// Connections open or being opened.
        public var open = 0
        /// Connections lent out (or being opened for a caller) right now.
        public var inUse = 0
        /// The highest ``inUse`` has been.
        public var peakInUse = 0
        /// Callers waiting for a connection.
        public var waiting = 0
    }

    /// A caller waiting for a connection: resumed with one, or with `nil` when it was given a
    /// free slot to open its own.
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<PostgresConnection?, any Error>
        /// The ``DeadlineThread`` token of the acquire timeout.
        let timer: UInt64?
    }

    /// The pool's configuration.
    public nonisolated let configuration: Configuration
    /// The pool's counters now.
    public private(set) var statistics = Statistics()
    private var idle: [PostgresConnection] = []
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var isClosed = false
    private nonisolated let deferred = DeferredWrites()

    /// Creates a pool; no connection opens until the first caller needs one.
    /// - Parameter configuration: How to connect and how many connections to keep.
    public init(configuration: Configuration) {
        precondition(configuration.maxConnections > 0, "PostgresPool needs maxConnections > 0")
        self.configuration = configuration
    }

    /// Lends a connection to `body` and takes it back afterwards, whether `body` returns or
    /// throws.
    /// - Parameter body: The work to do, isolated to the lent connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; ``PostgresError`` when no connection can be opened, with
    ///   code ``PostgresError/Code/poolTimeout`` when none became free in time or
    ///   ``PostgresError/Code/poolClosed`` after ``close()``; `CancellationError` when the
    ///   task is cancelled while waiting.
    @discardableResult
    public nonisolated(nonsending) func withConnection<T>(
        _ body: (isolated PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        try await lend { connection in try await body(connection) }
    }

    /// Runs `body` in a transaction on a lent connection; see
    /// ``PostgresConnection/withTransaction(_:)``.
    /// - Parameter body: The work to do, isolated to the lent connection.
    /// - Returns: What `body` returns.
    /// - Throws: What ``withConnection(_:)`` and ``PostgresConnection/withTransaction(_:)``
    ///   throw.
    @discardableResult
    public nonisolated(nonsending) func withTransaction<T>(
        _ body: (isolated PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        try await lend { connection in try await connection.withTransaction(body) }
    }

    /// Runs `body` in a transaction on a lent connection, its `BEGIN` sent with `first` in one
    /// round trip; see ``PostgresConnection/withTransaction(startingWith:_:)``.
    /// - Parameters:
    ///   - first: The transaction's first statements.
    ///   - body: The rest of the work, given the rows of `first`, isolated to the lent connection.
    /// - Returns: What `body` returns.
    /// - Throws: What ``withConnection(_:)`` and the connection's transaction throw.
    @discardableResult
    public nonisolated(nonsending) func withTransaction<T>(
        startingWith first: [PostgresStatement], _ body: (isolated PostgresConnection, [PostgresRows]) async throws -> sending T
    ) async throws -> sending T {
        try await lend { connection in try await connection.withTransaction(startingWith: first, body) }
    }

    /// Writes `statement` soon and returns without waiting for it: statements queued within a
    /// few milliseconds (``DeferredWrites/linger``) go to the database together, in a
    /// transaction that doesn't wait for the WAL flush. For records whose loss costs little
    /// (usage rows): a crash of this process loses what is queued (the last few milliseconds'
    /// statements), a crash of the database its last moments; ``close()`` writes everything
    /// queued first. With ``DeferredWrites/maxQueued`` statements queued, the caller
    /// writes its own and waits for it. A batch the database refuses is written again one
    /// statement per transaction, so a bad statement fails alone.
    /// - Parameters:
    ///   - statement: One SQL statement that writes.
    ///   - ifFailed: Called with the error when the statement could not be written.
    public nonisolated func writeSoon(_ statement: PostgresStatement, ifFailed: @escaping @Sendable (any Error) -> Void) async {
        let write = DeferredWrites.Write(statement: statement, ifFailed: ifFailed)
        guard !deferred.enqueue(write, writer: { [self] batch in await writeDeferred(batch) }) else { return }
        await writeDeferred([write])
    }

    /// Writes a batch of deferred statements in one transaction, or one by one when the
    /// database refused the batch.
    private nonisolated func writeDeferred(_ batch: [DeferredWrites.Write]) async {
        do {
            _ = try await withConnection { connection in try connection.commitWithoutFlush(batch.map(\.statement)).count }
        } catch {
            guard batch.count > 1, (error as? PostgresError)?.isConnectionLevel == false else {
                for write in batch { write.ifFailed(error) }
                return
            }
            for write in batch { await writeDeferred([write]) }
        }
    }

    /// Closes the idle connections, so that the next callers open fresh ones. For a caller
    /// that has just lost a connection: a server restart ended the idle ones too, and telling
    /// a lost server from a lost connection takes a connection opened after the loss.
    public func closeIdleConnections() async {
        let connections = idle
        idle = []
        statistics.open -= connections.count
        for connection in connections {
            await connection.close()
        }
    }

    /// Writes the deferred statements (``writeSoon(_:ifFailed:)``), then closes the idle
    /// connections and fails every waiting caller with ``PostgresError/Code/poolClosed``;
    /// connections lent out close when they come back. Later calls fail with
    /// ``PostgresError/Code/poolClosed``.
    public func close() async {
        await deferred.drained()
        guard !isClosed else { return }
        isClosed = true
        let waiting = waiters
        waiters = []
        statistics.waiting = 0
        for waiter in waiting {
            waiter.timer.map(DeadlineThread.shared.withdraw)
            waiter.continuation.resume(throwing: Self.closedError)
        }
        let connections = idle
        idle = []
        statistics.open -= connections.count
        for connection in connections {
            await connection.close()
        }
    }

    private static let closedError = PostgresError(.poolClosed, "the pool is closed")

    /// Runs `work` with a lent connection and takes the connection back afterwards.
    private nonisolated(nonsending) func lend<T>(
        _ work: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        let connection = try await lease()
        let value: T
        do {
            value = try await work(connection)
        } catch {
            await giveBack(connection)
            throw error
        }
        await giveBack(connection)
        return value
    }

    /// Takes an idle connection, opens one if there is room, or waits for one.
    private func lease() async throws -> PostgresConnection {
        guard !isClosed else { throw Self.closedError }
        if let connection = idle.popLast() {
            markLent()
            return connection
        }
        if statistics.open < configuration.maxConnections {
            statistics.open += 1
            markLent()
            return try await openLentConnection()
        }
        if let connection = try await waitForConnection() {
            return connection
        }
        return try await openLentConnection()
    }

    /// Opens a connection for a slot already counted as open and lent.
    private func openLentConnection() async throws -> PostgresConnection {
        do {
            let connection = try await PostgresConnection.connect(url: configuration.url)
            do {
                for (name, value) in configuration.sessionSettings.sorted(by: { $0.key < $1.key }) {
                    _ = try await connection.query("SELECT set_config($1, $2, false)", [name, value])
                }
            } catch {
                await connection.close()
                throw error
            }
            return connection
        } catch {
            freeSlot()
            throw error
        }
    }

    /// Queues the caller until a connection (or a slot to open one) is handed over.
    private func waitForConnection() async throws -> PostgresConnection? {
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard !Task.isCancelled else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let timer = configuration.acquireTimeout.map { timeout in
                    DeadlineThread.shared.schedule(at: .now + timeout) {
                        Task {
                            await self.fail(waiter: id, with: PostgresError(
                                .poolTimeout,
                                "no connection became free within \(timeout) (maxConnections \(self.configuration.maxConnections))"
                            ))
                        }
                    }
                }
                waiters.append(Waiter(id: id, continuation: continuation, timer: timer))
                statistics.waiting = waiters.count
            }
        } onCancel: {
            Task { await self.fail(waiter: id, with: CancellationError()) }
        }
    }

    /// Takes a connection back: to the next waiter, to the idle list, or closed when it is
    /// lost, mid-transaction, on a read-only server, or the pool is closed.
    private nonisolated func giveBack(_ connection: PostgresConnection) async {
        await release(connection, reusable: connection.isReusable)
    }

    private func release(_ connection: PostgresConnection, reusable: Bool) async {
        guard reusable, !isClosed else {
            freeSlot()
            await connection.close()
            return
        }
        if let waiter = nextWaiter() {
            waiter.continuation.resume(returning: connection)
        } else {
            statistics.inUse -= 1
            idle.append(connection)
        }
    }

    /// Gives up a slot counted as open and lent, handing it to the next waiter (who then opens
    /// a connection of its own).
    private func freeSlot() {
        statistics.open -= 1
        statistics.inUse -= 1
        guard !isClosed, let waiter = nextWaiter() else { return }
        statistics.open += 1
        markLent()
        waiter.continuation.resume(returning: nil)
    }

    private func nextWaiter() -> Waiter? {
        guard !waiters.isEmpty else { return nil }
        let waiter = waiters.removeFirst()
        waiter.timer.map(DeadlineThread.shared.withdraw)
        statistics.waiting = waiters.count
        return waiter
    }

    private func fail(waiter id: Int, with error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timer.map(DeadlineThread.shared.withdraw)
        statistics.waiting = waiters.count
        waiter.continuation.resume(throwing: error)
    }

    private func markLent() {
        statistics.inUse += 1
        statistics.peakInUse = max(statistics.peakInUse, statistics.inUse)
    }
}

extension PostgresConnection {
    /// Whether the connection can go back to the pool: open, not inside a transaction, and on a
    /// server that takes writes (after a failover, the next connection finds the new primary
    /// when the URL lists every host with `target_session_attrs=read-write`).
    fileprivate var isReusable: Bool {
        isOpen && !isInTransaction && !refusedAWrite
    }
}
