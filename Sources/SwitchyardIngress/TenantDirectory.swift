// Tenant names to ids, looked up once and remembered.

import HTTPTypes
import SwitchyardAPI
import SwitchyardPostgres
import Synchronization

/// Resolves tenant names (as configured for webhook sources) to ids.
final class TenantDirectory: Sendable {
    private let pool: PostgresPool
    private let known = Mutex<[String: String]>([:])

    init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The id of the tenant called `name`.
    /// - Throws: ``APIError`` 503 when the database is unreachable or the tenant does not
    ///   exist yet (a configuration the operator can fix; the sender's retry then succeeds).
    func id(named name: String) async throws(APIError) -> String {
        if let id = known.withLock({ $0[name] }) { return id }
        let rows: [String]
        do {
            rows = try await pool.withConnection { connection in
                try connection.query("SELECT id::text FROM tenants WHERE name = $1", [name]).map { try $0.decode(String.self, at: 0) }
            }
        } catch {
            throw APIError.unavailable("the database")
        }
        guard let id = rows.first else {
            throw APIError(.serviceUnavailable, "tenant_missing", "the configured tenant '\(name)' does not exist", retryAfter: 60)
        }
        known.withLock { $0[name] = id }
        return id
    }
}
