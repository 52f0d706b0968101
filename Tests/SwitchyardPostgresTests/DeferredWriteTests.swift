// PostgresPool.writeSoon: the caller doesn't wait for the row, queued rows share a
// transaction, a refused statement fails alone, and close() writes everything queued first.

import SwitchyardPostgres
import SwitchyardTestSupport
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct DeferredWriteTests {
    /// A table of its own (deferred writes use pooled connections, so not a temporary one),
    /// dropped after `body`.
    private func withTable(_ body: (String, PostgresConnection) async throws -> Void) async throws {
        let table = TestEnvironment.uniqueName("deferred")
        let observer = try await TestDatabase.connect()
        try await observer.execute("CREATE TABLE \(table) (id int PRIMARY KEY CHECK (id > 0))")
        do {
            try await body(table, observer)
        } catch {
            _ = try? await observer.execute("DROP TABLE \(table)")
            await observer.close()
            throw error
        }
        try await observer.execute("DROP TABLE \(table)")
        await observer.close()
    }

    private func count(_ table: String, on connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0)
    }

    /// Runs `body` while another task holds `pool`'s only connection, then lets it go.
    private func whileTheOnlyConnectionIsHeld(_ pool: PostgresPool, _ body: () async throws -> Void) async throws {
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let (release, releasing) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await pool.withConnection { _ in
                holding.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        do {
            try await body()
        } catch {
            releasing.yield()
            _ = try? await holder.value
            throw error
        }
        releasing.yield()
        try await holder.value
    }

    @Test func theCallerGoesOnBeforeTheRowIsWritten() async throws {
        try await withTable { table, observer in
            let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
            // The pool's only connection is busy meanwhile: a write that waited would hang.
            try await whileTheOnlyConnectionIsHeld(pool) {
                await pool.writeSoon(PostgresStatement("INSERT INTO \(table) (id) VALUES (1)")) { error in
                    Issue.record("not written: \(error)")
                }
                let rows = try await count(table, on: observer)
                #expect(rows == 0)
            }
            try await waitUntil("the deferred row") { try await count(table, on: observer) == 1 }
            await pool.close()
        }
    }

    @Test func rowsQueuedTogetherShareATransactionAndARefusedOneFailsAlone() async throws {
        try await withTable { table, observer in
            let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
            let failures = Mutex<[String]>([])
            try await whileTheOnlyConnectionIsHeld(pool) {
                for id in [1, 2, -3, 4] {
                    await pool.writeSoon(PostgresStatement("INSERT INTO \(table) (id) VALUES ($1)", [id])) { error in
                        failures.withLock { $0.append("\(id): \((error as? PostgresError)?.sqlState ?? "\(error)")") }
                    }
                }
            }
            await pool.close()

            #expect(failures.withLock { $0 } == ["-3: 23514"], "only the row the CHECK refuses fails")
            #expect(try await count(table, on: observer) == 3)
        }
    }

    @Test func closeWritesEverythingQueuedFirst() async throws {
        try await withTable { table, observer in
            let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 2))
            for id in 1...1_200 {
                await pool.writeSoon(PostgresStatement("INSERT INTO \(table) (id) VALUES ($1)", [id])) { error in
                    Issue.record("row \(id) not written: \(error)")
                }
            }
            await pool.close()

            #expect(try await count(table, on: observer) == 1_200)
            let transactions = try await observer.query("SELECT count(DISTINCT xmin::text) FROM \(table)")[0].decode(Int.self, at: 0)
            #expect(transactions < 1_200, "queued rows share transactions (\(transactions) for 1,200 rows)")
        }
    }

    @Test func aWriteAfterCloseIsReportedAsFailed() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
        await pool.close()
        let failure = Mutex<PostgresError?>(nil)
        await pool.writeSoon(PostgresStatement("SELECT 1")) { error in failure.withLock { $0 = error as? PostgresError } }
        try await waitUntil("the failure") { failure.withLock { $0 } != nil }
        #expect(failure.withLock { $0?.code } == .poolClosed)
    }
}
