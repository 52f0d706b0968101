// Several hosts in one URL, and a server that turned read-only: what a failover looks like
// from a connection's side.

import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct FailoverTests {
    /// The test database's URL with a host that refuses connections listed first.
    static func urlWithADeadHostFirst() throws -> String {
        let base = TestDatabase.url()
        let prefix = try #require(["postgresql://", "postgres://"].first { base.hasPrefix($0) }, "a URL-form database URL: \(base)")
        let rest = base.dropFirst(prefix.count)
        let at = rest.lastIndex(of: "@").map { rest.index(after: $0) } ?? rest.startIndex
        let separator = rest.contains("?") ? "&" : "?"
        return prefix + rest[..<at] + "127.0.0.1:1," + rest[at...] + separator + "target_session_attrs=read-write"
    }

    @Test func aURLWithSeveralHostsConnectsToTheFirstThatAnswersAsWritable() async throws {
        let url = try Self.urlWithADeadHostFirst()
        let connection = try await PostgresConnection.connect(url: url)
        #expect(try await connection.query("SELECT pg_is_in_recovery()")[0].decode(Bool.self, at: 0) == false)
        await connection.close()
        let pool = PostgresPool(configuration: .init(url: url, maxConnections: 2))
        #expect(try await pool.withConnection { try $0.query("SELECT 1")[0].decode(Int32.self, at: 0) } == 1)
        await pool.close()
    }

    @Test func aConnectionOnAReadOnlyServerFailsTheWriteAsTransientAndIsNotLentAgain() async throws {
        // A session that is read-only stands in for a standby (or a primary demoted in a failover).
        let pool = PostgresPool(configuration: .init(
            url: TestDatabase.url(), maxConnections: 1, sessionSettings: ["default_transaction_read_only": "on"]))
        let refused = await #expect(throws: PostgresError.self) {
            try await pool.withTransaction { connection in
                try connection.execute("CREATE TABLE IF NOT EXISTS failover_probe (n int)")
            }
        }
        #expect(refused?.sqlState == "25006" && refused?.isTransient == true, "\(String(describing: refused))")
        #expect(await pool.statistics.open == 0, "the connection was closed, not returned")
        let backend = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0) }
        let again = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0) }
        #expect(backend == again, "a connection that only read goes back to the pool")
        await pool.close()
    }
}
