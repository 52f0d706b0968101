// Tenant queries: a transaction as the row-level-security role, scoped to one tenant.

import HTTPTypes
public import Logging
import Switchyard
public import SwitchyardPostgres

extension PostgresPool {
    /// The database role every tenant query runs as (created by the migrations): it owns
    /// nothing and cannot bypass row-level security.
    static let apiRole = "switchyard_api"

    /// A tenant query the database failed (one per request during an outage), for the
    /// process's every route.
    static let tenantQueryFailure = ThrottledWarning("tenant queries failed")

    /// Runs `body` in a transaction as ``apiRole`` with `switchyard.tenant_id` set to
    /// `tenantID`, so row-level security shows and accepts that tenant's rows only, however
    /// powerful the configured database user is. The queries in `body` name the tenant too.
    /// - Parameters:
    ///   - tenantID: The caller's tenant.
    ///   - logger: Where database failures are logged (at most once per
    ///     ``ThrottledWarning/interval``, with the failures in between counted).
    ///   - body: The tenant's work, isolated to the transaction's connection.
    /// - Returns: What `body` returns.
    /// - Throws: ``APIError``: what `body` threw; 422 `invalid_value` when the database refused
    ///   a value of the request (a NUL character in text, a number out of range: SQLSTATE
    ///   classes 22 and 23), so the client fixes it instead of retrying; else 503 `unavailable`.
    public nonisolated func asTenant<T: Sendable>(
        _ tenantID: String, logger: Logger, _ body: @escaping @Sendable (isolated PostgresConnection) throws -> T
    ) async throws(APIError) -> T {
        do {
            return try await withTransaction { connection in
                _ = try connection.query(
                    "SELECT set_config('role', $1, true), set_config('switchyard.tenant_id', $2, true)", [Self.apiRole, tenantID])
                return try body(connection)
            }
        } catch let error as APIError {
            throw error
        } catch let error as PostgresError where error.isInvalidValue {
            throw APIError(.unprocessableContent, "invalid_value", "the database refused a value of the request: \(error.message)")
        } catch {
            Self.tenantQueryFailure.log(to: logger, metadata: ["error": "\(error)"])
            throw APIError.unavailable("the database")
        }
    }
}
