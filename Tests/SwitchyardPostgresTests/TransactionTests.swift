// withTransaction: commit on success; rollback of everything on a server error, a thrown
// Swift error, or a swallowed failure.

import SwitchyardPostgres
import Testing

@Suite struct TransactionTests {
    private struct Abort: Error {}

    private func connectionWithTable() async throws -> PostgresConnection {
        let connection = try await TestDatabase.connect()
        try await connection.executeScript("CREATE TEMP TABLE items (id int PRIMARY KEY)")
        return connection
    }

    private func count(on connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*) FROM items")[0].decode(Int.self, at: 0)
    }

    @Test func successCommitsAndReturnsTheBodysValue() async throws {
        let connection = try await connectionWithTable()

        let inserted = try await connection.withTransaction { connection in
            try connection.execute("INSERT INTO items VALUES (1), (2)")
        }

        #expect(inserted == 2)
        #expect(try await count(on: connection) == 2)
        await connection.close()
    }

    /// The first statements travel with BEGIN: their rows reach the body, and a throw
    /// afterwards, or a failing first statement, leaves nothing.
    @Test func aTransactionStartingWithStatementsCommitsOrRollsBackThemAll() async throws {
        let connection = try await connectionWithTable()
        let ids = try await connection.withTransaction(startingWith: [
            PostgresStatement("INSERT INTO items VALUES ($1), ($2) RETURNING id", [1, 2]),
        ]) { connection, rows in
            try connection.execute("INSERT INTO items VALUES (3)")
            return try rows[0].map { try $0.decode(Int.self, at: 0) }
        }
        #expect(ids == [1, 2])
        #expect(try await count(on: connection) == 3)
        await #expect(throws: Abort.self) {
            try await connection.withTransaction(startingWith: [PostgresStatement("INSERT INTO items VALUES ($1)", [4])]) { _, _ in
                throw Abort()
            }
        }
        await #expect(throws: PostgresError.self) {
            try await connection.withTransaction(startingWith: [
                PostgresStatement("INSERT INTO items VALUES ($1)", [5]), PostgresStatement("INSERT INTO items VALUES ($1)", [1]),
            ]) { _, _ in }
        }
        #expect(try await count(on: connection) == 3, "neither the thrown nor the failed transaction left a row")
        #expect(try await connection.query("SELECT 1")[0].decode(Int32.self, at: 0) == 1, "the connection is usable")
        await connection.close()
    }

    @Test func failingStatementRollsBackTheWholeTransaction() async throws {
        let connection = try await connectionWithTable()

        let error = await #expect(throws: PostgresError.self) {
            try await connection.withTransaction { connection in
                try connection.execute("INSERT INTO items VALUES (1)")
                try connection.execute("INSERT INTO items VALUES (2)")
                try connection.execute("INSERT INTO items VALUES (1)")
            }
        }

        #expect(error?.sqlState == "23505")
        #expect(try await count(on: connection) == 0)
        #expect(try await connection.withTransaction { try $0.execute("INSERT INTO items VALUES (3)") } == 1)
        await connection.close()
    }

    @Test func thrownSwiftErrorRollsBack() async throws {
        let connection = try await connectionWithTable()

        await #expect(throws: Abort.self) {
            try await connection.withTransaction { connection in
                try connection.execute("INSERT INTO items VALUES (1)")
                throw Abort()
            }
        }

        #expect(try await count(on: connection) == 0)
        await connection.close()
    }

    @Test func swallowedStatementFailureStillFailsTheCommit() async throws {
        let connection = try await connectionWithTable()

        let error = await #expect(throws: PostgresError.self) {
            try await connection.withTransaction { connection in
                try connection.execute("INSERT INTO items VALUES (1)")
                _ = try? connection.execute("INSERT INTO items VALUES (1)")
            }
        }

        #expect(error?.message.contains("rolled back") == true)
        #expect(try await count(on: connection) == 0)
        await connection.close()
    }

    @Test func nestedTransactionIsRefused() async throws {
        let connection = try await connectionWithTable()

        let error = await #expect(throws: PostgresError.self) {
            try await connection.withTransaction { connection in
                try connection.execute("INSERT INTO items VALUES (1)")
                try await connection.withTransaction { try $0.execute("INSERT INTO items VALUES (2)") }
            }
        }

        #expect(error?.code == .transactionInProgress)
        #expect(try await count(on: connection) == 0)
        await connection.close()
    }

    /// One round trip that commits without waiting for the WAL flush: the statements' rows
    /// come back, the commit is visible at once and ran with `synchronous_commit = off`; a
    /// failing statement commits nothing and leaves no transaction open.
    @Test func aCommitWithoutFlushReturnsTheRowsOrCommitsNothing() async throws {
        let connection = try await connectionWithTable()

        let rows = try await connection.commitWithoutFlush([
            PostgresStatement("INSERT INTO items VALUES ($1)", [1]),
            PostgresStatement("SELECT current_setting('synchronous_commit'), count(*)::int8 FROM items"),
        ])
        #expect(rows.count == 2 && rows[0].affectedRows == 1)
        #expect(try rows[1][0].decode(String.self, at: 0) == "off")
        #expect(try rows[1][0].decode(Int.self, at: 1) == 1)
        #expect(try await connection.query("SHOW synchronous_commit")[0].decode(String.self, at: 0) == "on",
                "the setting was the transaction's only")

        await #expect(throws: PostgresError.self) {
            try await connection.commitWithoutFlush([
                PostgresStatement("INSERT INTO items VALUES ($1)", [2]), PostgresStatement("INSERT INTO items VALUES ($1)", [1]),
            ])
        }
        #expect(try await count(on: connection) == 1, "the failed transaction's first row is gone too")
        #expect(try await connection.commitWithoutFlush([PostgresStatement("INSERT INTO items VALUES ($1)", [3])]).count == 1,
                "no transaction was left open")
        #expect(try await count(on: connection) == 2)
        await connection.close()
    }
}
