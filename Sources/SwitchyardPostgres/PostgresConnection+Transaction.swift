// Transactions on one connection: BEGIN, the caller's work, COMMIT, or ROLLBACK on any failure.

extension PostgresConnection {
    /// Runs `body` inside a transaction: `BEGIN`, then `body`, then `COMMIT`.
    ///
    /// If `body` throws, or `COMMIT` fails, the transaction is rolled back and the error is
    /// rethrown, so either everything `body` did takes effect or nothing does. A statement that
    /// fails inside `body` aborts the transaction even if `body` catches its error: `COMMIT` then
    /// throws too. Should `ROLLBACK` itself fail, the connection is closed rather than left
    /// inside a transaction.
    ///
    /// ```swift
    /// let id = try await connection.withTransaction { connection in
    ///     try connection.execute("INSERT INTO inbox (consumer, message_id) VALUES ($1, $2)", [consumer, messageID])
    ///     return try connection.query("INSERT INTO outbox ... RETURNING id", [...])[0].decode(Int.self, at: 0)
    /// }
    /// ```
    /// - Parameter body: The work to do, isolated to this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; ``PostgresError`` when `BEGIN` or `COMMIT` fails, or with
    ///   code ``PostgresError/Code/transactionInProgress`` when a transaction is already open.
    @discardableResult
    public nonisolated(nonsending) func withTransaction<T>(
        _ body: (isolated PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        try await begin()
        do {
            let value = try await body(self)
            try await commit()
            return value
        } catch {
            await rollBack()
            throw error
        }
    }

    /// Runs `body` in a transaction whose `BEGIN` travels with `first` in one round trip (a
    /// libpq pipeline), then commits; rolls back when anything throws.
    ///
    /// For transactions whose first statements need no answer to be written: they cost no
    /// round trip of their own.
    /// - Parameters:
    ///   - first: The transaction's first statements.
    ///   - body: The rest of the work, given the rows of `first`, isolated to this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; ``PostgresError`` when a statement of `first`, `BEGIN` or
    ///   `COMMIT` fails, as ``withTransaction(_:)``.
    @discardableResult
    public nonisolated(nonsending) func withTransaction<T>(
        startingWith first: [PostgresStatement], _ body: (isolated PostgresConnection, [PostgresRows]) async throws -> sending T
    ) async throws -> sending T {
        let rows = try await begin(with: first)
        do {
            let value = try await body(self, rows)
            try await commit()
            return value
        } catch {
            await rollBack()
            throw error
        }
    }

    private func begin(with first: [PostgresStatement]) throws -> [PostgresRows] {
        guard !isInTransaction else {
            throw PostgresError(.transactionInProgress, "a transaction is already open on this connection")
        }
        do {
            return Array(try queryPipelined([PostgresStatement("BEGIN")] + first).dropFirst())
        } catch {
            rollBack()
            throw error
        }
    }

    private func begin() throws {
        guard !isInTransaction else {
            throw PostgresError(.transactionInProgress, "a transaction is already open on this connection")
        }
        try executeScript("BEGIN")
    }

    /// Commits, failing when the server answered `ROLLBACK` (the transaction had failed).
    private func commit() throws {
        let tag = try query("COMMIT").commandTag
        guard tag == "COMMIT" else {
            throw PostgresError(.server, "the transaction was rolled back: a statement in it had failed (COMMIT answered \(tag))")
        }
    }

    /// Runs `statements` as one transaction in one round trip (`BEGIN`, `SET LOCAL
    /// synchronous_commit = off`, the statements, `COMMIT`, pipelined) whose commit doesn't wait
    /// for the WAL flush: for rows whose loss in a crash of the database (the last moments' worth)
    /// costs nothing that matters, such as marks that only let a message go out again, or usage
    /// records. Others still see the rows as soon as this returns.
    /// - Parameter statements: The statements, each a single SQL statement.
    /// - Returns: Each statement's rows, in order.
    /// - Throws: ``PostgresError`` as ``queryPipelined(_:)``; nothing was committed.
    public func commitWithoutFlush(_ statements: [PostgresStatement]) throws -> [PostgresRows] {
        guard !isInTransaction else {
            throw PostgresError(.transactionInProgress, "a transaction is already open on this connection")
        }
        do {
            let results = try queryPipelined(
                [PostgresStatement("BEGIN"), PostgresStatement("SET LOCAL synchronous_commit = off")] + statements
                    + [PostgresStatement("COMMIT")])
            guard results.last?.commandTag == "COMMIT" else {
                throw PostgresError(.server, "the transaction was rolled back (COMMIT answered \(results.last?.commandTag ?? "nothing"))")
            }
            return Array(results.dropFirst(2).dropLast())
        } catch {
            rollBack()
            throw error
        }
    }

    /// Ends an open transaction (one begun by a pipelined `BEGIN`, say), closing the connection
    /// if even that fails; does nothing when none is open.
    public func rollBack() {
        guard isInTransaction else { return }
        do {
            try executeScript("ROLLBACK")
        } catch {
            close()
        }
    }
}
