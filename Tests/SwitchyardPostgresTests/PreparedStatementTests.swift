// Statements are prepared once per connection and run by name; the cache is bounded and
// recovers when a table under a cached plan changes.

import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct PreparedStatementTests {
    func preparedCount(_ connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*)::int8 FROM pg_prepared_statements WHERE name LIKE 'sy_%'")[0].decode(Int.self, at: 0)
    }

    @Test func aRepeatedStatementIsPreparedOnceAndEachParameterTypingOnce() async throws {
        let connection = try await TestDatabase.connect()
        let before = try await preparedCount(connection)
        for value in 1...5 {
            #expect(try await connection.query("SELECT $1::int8 + 1", [value])[0].decode(Int.self, at: 0) == value + 1)
        }
        #expect(try await preparedCount(connection) == before + 1, "five executions, one statement (the count query was already there)")
        #expect(try await connection.query("SELECT $1::int8 + 1", [Int?.none])[0].decode(Int?.self, at: 0) == nil)
        #expect(try await connection.query("SELECT $1::int8 + 1", ["41"])[0].decode(Int.self, at: 0) == 42)
        #expect(try await preparedCount(connection) == before + 2, "the same text with an untyped parameter is another statement")
        await connection.close()
    }

    @Test func aStatementTheServerRefusesIsNotCachedAndTheConnectionGoesOn() async throws {
        let connection = try await TestDatabase.connect()
        let before = try await preparedCount(connection)
        await #expect(throws: PostgresError.self) { try await connection.query("SELECT FROM nowhere_at_all WHERE $1", [true]) }
        #expect(try await preparedCount(connection) == before, "nothing new")
        #expect(try await connection.query("SELECT 7")[0].decode(Int32.self, at: 0) == 7)
        await connection.close()
    }

    @Test func atMostTheCapacityIsPreparedAndTheRestRunUnprepared() async throws {
        let connection = try await TestDatabase.connect()
        for index in 0..<300 {
            #expect(try await connection.query("SELECT \(index)::int8 + $1", [1])[0].decode(Int.self, at: 0) == index + 1)
        }
        #expect(try await preparedCount(connection) <= 256)
        await connection.close()
    }

    @Test func aTableChangedUnderACachedPlanFailsOnceThenWorks() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestEnvironment.uniqueName("shape")
        try await connection.executeScript("CREATE TEMP TABLE \(table) (a int); INSERT INTO \(table) VALUES (1)")
        let select = "SELECT * FROM \(table) WHERE a = $1"
        #expect(try await connection.query(select, [1]).columns.count == 1)
        try await connection.executeScript("ALTER TABLE \(table) ADD COLUMN b int")
        let stale = await #expect(throws: PostgresError.self) { try await connection.query(select, [1]) }
        #expect(stale?.sqlState == "0A000", "\(String(describing: stale))")
        #expect(try await connection.query(select, [1]).columns.count == 2, "prepared anew")
        await connection.close()
    }
}
