// Creating a resource through the API: its answer, the idempotency key's claim, its rows and
// its first message, all in one tenant transaction.

public import Logging
public import Switchyard
public import SwitchyardCore
public import SwitchyardPostgres

/// The one way the API creates a job-like resource. In one transaction as the tenant: the
/// answer is computed, the `Idempotency-Key` (if any) is claimed with it (a retry gets the
/// first answer back and changes nothing), then the resource's rows are inserted and its first
/// messages written to the outbox, so a 201 means the rows and the messages both exist.
public struct IdempotentCreation: Sendable {
    let pool: PostgresPool
    let outbox: OutboxWriter
    let logger: Logger

    /// Creates the helper.
    /// - Parameters:
    ///   - pool: The database (tenant transactions).
    ///   - outbox: Where first messages are written.
    ///   - logger: Where database failures are logged.
    public init(pool: PostgresPool, outbox: OutboxWriter, logger: Logger) {
        self.pool = pool
        self.outbox = outbox
        self.logger = logger
    }

    /// Creates the resource unless the key names an earlier request.
    /// - Parameters:
    ///   - tenantID: The caller's tenant.
    ///   - key: The request's idempotency key.
    ///   - answer: The answer to return, computed before anything is written.
    ///   - insert: Writes the resource's rows and returns its first messages.
    /// - Returns: This request's answer, or the earlier request's.
    /// - Throws: ``APIError``: what the closures throw, the key's conflicts, 422/503 from the database.
    public func create(
        tenantID: String, key: IdempotencyKey?,
        answer: @escaping @Sendable (isolated PostgresConnection) throws -> String,
        insert: @escaping @Sendable (isolated PostgresConnection) throws -> [OutgoingEvent]
    ) async throws(APIError) -> String {
        let outbox = outbox
        return try await pool.asTenant(tenantID, logger: logger) { connection in
            let answer = try answer(connection)
            if let earlier = try key?.claim(answer: answer, tenantID: tenantID, on: connection) {
                return earlier
            }
            let events = try insert(connection)
            try outbox.insert(events, tenantID: tenantID, on: connection)
            if !events.isEmpty { try outbox.notify(on: connection) }
            return answer
        }
    }
}
