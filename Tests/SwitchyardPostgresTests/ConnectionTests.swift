// Parameters as data, server errors with their SQLSTATE, connection failures.

import Foundation
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func sqlInjectionTextRoundTripsAsData() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestEnvironment.uniqueName("victim")
        try await connection.executeScript("CREATE TEMP TABLE \(table) (value text)")
        let payload = "'); DROP TABLE \(table); --"

        #expect(try await connection.execute("INSERT INTO \(table) (value) VALUES ($1)", [payload]) == 1)
        let rows = try await connection.query("SELECT value, $1::text FROM \(table) WHERE value = $1", [payload])

        #expect(rows.count == 1)
        #expect(try rows[0].decode(String.self, at: 0) == payload)
        #expect(try rows[0].decode(String.self, at: 1) == payload)
        let stillThere = try await connection.query("SELECT to_regclass($1) IS NOT NULL", [table])
        #expect(try stillThere[0].decode(Bool.self, at: 0))
        await connection.close()
    }

    @Test func rowsCarryColumnsAndCommandTag() async throws {
        let connection = try await TestDatabase.connect()
        let rows = try await connection.query("SELECT 1::int4 AS one, 'x'::text AS letter UNION ALL SELECT 2, 'y'")

        #expect(rows.columns == [PostgresColumn(name: "one", type: .int4), PostgresColumn(name: "letter", type: .text)])
        #expect(rows.commandTag == "SELECT 2")
        #expect(rows.affectedRows == 2)
        #expect(try rows.map { try $0.decode(String.self, column: "letter") } == ["x", "y"])
        await connection.close()
    }

    @Test func uniqueViolationCarriesSQLStateMessageAndDetail() async throws {
        let connection = try await TestDatabase.connect()
        try await connection.executeScript("CREATE TEMP TABLE keys (id int CONSTRAINT keys_unique UNIQUE)")
        try await connection.execute("INSERT INTO keys VALUES ($1)", [Int32(7)])

        let error = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO keys VALUES ($1)", [Int32(7)])
        }

        #expect(error?.code == .server)
        #expect(error?.sqlState == "23505")
        #expect(error?.message == "duplicate key value violates unique constraint \"keys_unique\"")
        #expect(error?.detail == "Key (id)=(7) already exists.")
        #expect(error?.description.hasPrefix("SQLSTATE 23505: duplicate key value violates unique constraint \"keys_unique\"") == true)
        #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        await connection.close()
    }

    @Test func syntaxErrorCarriesSQLState() async throws {
        let connection = try await TestDatabase.connect()

        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELEC 1")
        }

        #expect(error?.code == .server)
        #expect(error?.sqlState == "42601")
        #expect(error?.message.contains("syntax error at or near \"SELEC\"") == true)
        #expect(await connection.isOpen)
        await connection.close()
    }

    @Test func scriptRunsSeveralStatementsAndStopsAtTheFirstError() async throws {
        let connection = try await TestDatabase.connect()
        try await connection.executeScript("CREATE TEMP TABLE steps (n int); INSERT INTO steps VALUES (1); INSERT INTO steps VALUES (2)")

        let error = await #expect(throws: PostgresError.self) {
            try await connection.executeScript("INSERT INTO steps VALUES (3); SELECT 1/0; INSERT INTO steps VALUES (4)")
        }

        #expect(error?.sqlState == "22012")
        #expect(try await connection.query("SELECT count(*) FROM steps")[0].decode(Int.self, at: 0) == 2)
        await connection.close()
    }

    @Test func refusedConnectionFailsWithLibpqMessage() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(url: "postgresql://switchyard@127.0.0.1:1/switchyard?connect_timeout=5")
        }

        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.sqlState == nil)
    }

    @Test func keywordValueConnectionStringsWork() async throws {
        let url = try #require(URLComponents(string: TestEnvironment.databaseURL))
        var conninfo = "host=\(url.host ?? "127.0.0.1") port=\(url.port ?? 5432) dbname=\(url.path.dropFirst())"
        if let user = url.user { conninfo += " user=\(user)" }
        if let password = url.password { conninfo += " password=\(password)" }

        let connection = try await PostgresConnection.connect(url: conninfo)

        #expect(try await connection.query("SELECT current_database()")[0].decode(String.self, at: 0) == String(url.path.dropFirst()))
        await connection.close()
    }

    @Test func closedConnectionRefusesWork() async throws {
        let connection = try await TestDatabase.connect()
        await connection.close()

        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT 1")
        }

        #expect(error?.code == .connectionClosed)
        #expect(await !connection.isOpen)
    }

    @Test func releasedConnectionIsFinished() async throws {
        let name = TestEnvironment.uniqueName("released")
        let observer = try await TestDatabase.connect()
        var connection: PostgresConnection? = try await TestDatabase.connect(applicationName: name)
        #expect(try await connection?.query("SELECT 1").count == 1)
        #expect(try await TestDatabase.backendCount(applicationName: name, on: observer) == 1)

        connection = nil

        try await waitUntil("the released connection's backend to end") {
            try await TestDatabase.backendCount(applicationName: name, on: observer) == 0
        }
        await observer.close()
    }

    @Test func terminatedBackendGivesConnectionClosed() async throws {
        let victim = try await TestDatabase.connect()
        let admin = try await TestDatabase.connect()
        let pid = try await victim.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0)

        #expect(try await admin.query("SELECT pg_terminate_backend($1, 5000)", [pid])[0].decode(Bool.self, at: 0))
        let error = await #expect(throws: PostgresError.self) {
            try await victim.query("SELECT 1")
        }

        #expect(error?.code == .connectionClosed)
        #expect(error?.message.isEmpty == false)
        #expect(await !victim.isOpen)
        await admin.close()
    }

    @Test func nulCharactersInTextAreRefusedBeforeSending() async throws {
        let connection = try await TestDatabase.connect()

        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT $1::text", ["a\u{0}b"])
        }

        #expect(error?.code == .invalidValue && error?.isInvalidValue == true)
        #expect(error?.message.contains("$1") == true)
        await connection.close()
    }
}
