// Many statements in one round trip (libpq pipeline mode): results in order, the first error
// as `query` throws it, and the connection usable afterwards.

import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct PipelineTests {
    @Test func statementsRunInOrderInOneTransactionAndReturnTheirRows() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestEnvironment.uniqueName("pipelined")
        try await connection.executeScript("CREATE TEMP TABLE \(table) (id int8 PRIMARY KEY, name text)")
        let results = try await connection.withTransaction { connection in
            try connection.queryPipelined(
                (1...50).map { PostgresStatement("INSERT INTO \(table) (id, name) VALUES ($1, $2)", [$0, "n\($0)"]) }
                    + [PostgresStatement("SELECT count(*)::int8, max(name) FROM \(table) WHERE id > $1", [10])])
        }
        #expect(results.count == 51)
        #expect(results.prefix(50).allSatisfy { $0.affectedRows == 1 })
        #expect(try results[50][0].decode(Int.self, at: 0) == 40)
        #expect(try results[50][0].decode(String.self, at: 1) == "n50")
        // The same statements again reuse what the first pipeline prepared, and the connection
        // answers plain queries in between.
        #expect(try await connection.executePipelined([
            PostgresStatement("DELETE FROM \(table) WHERE id = $1", [1]), PostgresStatement("DELETE FROM \(table) WHERE id = $1", [2]),
        ]) == [1, 1])
        #expect(try await connection.query("SELECT count(*)::int8 FROM \(table)")[0].decode(Int.self, at: 0) == 48)
        await connection.close()
    }

    @Test func theFirstErrorIsThrownTheRestIsSkippedAndTheTransactionRollsBack() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestEnvironment.uniqueName("pipelined")
        try await connection.executeScript("CREATE TEMP TABLE \(table) (id int8 PRIMARY KEY)")
        let insert = "INSERT INTO \(table) (id) VALUES ($1)"
        do {
            try await connection.withTransaction { connection in
                try connection.executePipelined([
                    PostgresStatement(insert, [1]), PostgresStatement(insert, [1]), PostgresStatement(insert, [3]),
                ])
            }
            Issue.record("a duplicate key must fail the pipeline")
        } catch let error as PostgresError {
            #expect(error.sqlState == "23505", "\(error)")
        }
        #expect(try await connection.query("SELECT count(*)::int8 FROM \(table)")[0].decode(Int.self, at: 0) == 0)
        // Outside a transaction the pipeline is one implicit transaction: the insert before the
        // error is undone too.
        await #expect(throws: PostgresError.self) {
            try await connection.executePipelined([
                PostgresStatement(insert, [5]), PostgresStatement("SELECT 1/$1::int", [0]), PostgresStatement(insert, [6]),
            ])
        }
        #expect(try await connection.query("SELECT count(*)::int8 FROM \(table)")[0].decode(Int.self, at: 0) == 0)
        #expect(try await connection.executePipelined([PostgresStatement(insert, [5]), PostgresStatement(insert, [6])]) == [1, 1])
        await connection.close()
    }

    /// A backend that ends its own session mid-pipeline: a lost connection, with the server's
    /// reason and SQLSTATE (57P01, terminated by an administrator command).
    @Test func aSessionEndedMidPipelineIsALostConnectionWithTheServersReason() async throws {
        let connection = try await TestDatabase.connect()
        do {
            try await connection.executePipelined([
                PostgresStatement("SELECT 1"),
                PostgresStatement("SELECT pg_terminate_backend(pg_backend_pid()), pg_sleep(5)"),
                PostgresStatement("SELECT 2"),
            ])
            Issue.record("the pipeline must fail")
        } catch let error as PostgresError {
            #expect(error.isConnectionLevel, "\(error)")
            #expect(error.sqlState == "57P01", "\(error)")
            #expect(error.message.contains("administrator command"), "\(error)")
        }
        #expect(await !connection.isOpen)
        await connection.close()
    }

    @Test func aParameterThatCannotBeSentFailsBeforeAnythingIsSent() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestEnvironment.uniqueName("pipelined")
        try await connection.executeScript("CREATE TEMP TABLE \(table) (name text)")
        let insert = "INSERT INTO \(table) (name) VALUES ($1)"
        await #expect(throws: PostgresError.self) {
            try await connection.executePipelined([PostgresStatement(insert, ["fine"]), PostgresStatement(insert, ["nul\u{0}byte"])])
        }
        #expect(try await connection.query("SELECT count(*)::int8 FROM \(table)")[0].decode(Int.self, at: 0) == 0)
        await connection.close()
    }

    @Test func everyParameterArrivesAsSentNullEmptyMultibyteAndLongTextsAlike() async throws {
        let connection = try await TestDatabase.connect()
        let long = String(repeating: "0123456789", count: 1_000) + "end"
        let sql = "SELECT $1::text IS NULL, $2::text, $3::text, length($4::text)::int8, right($4::text, 3), $5::int8, $6::text"
        let parameters: [any PostgresEncodable] = [String?.none, "", "é漢🙂", long, -42, "last"]
        func check(_ row: PostgresRow) throws {
            #expect(try row.decode(Bool.self, at: 0) == true)
            #expect(try row.decode(String.self, at: 1) == "")
            #expect(try row.decode(String.self, at: 2) == "é漢🙂")
            #expect(try row.decode(Int.self, at: 3) == 10_003)
            #expect(try row.decode(String.self, at: 4) == "end")
            #expect(try row.decode(Int.self, at: 5) == -42)
            #expect(try row.decode(String.self, at: 6) == "last")
        }
        try check(try await connection.query(sql, parameters)[0])
        let results = try await connection.queryPipelined([PostgresStatement(sql, parameters), PostgresStatement(sql, parameters)])
        try check(results[0][0])
        try check(results[1][0])
        await connection.close()
    }
}
