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
///
/// With a ``LeasedOutboxPublisher`` the messages are written with a lease and handed to it
/// right after the commit, so the first worker gets them without waiting for a relay; a relay
/// still takes over any the publisher could not publish. Without one, the relays are woken
/// (`NOTIFY`) to publish them.
public struct IdempotentCreation: Sendable {
    /// The application id in the messages' properties.
    static let appID = "switchyard-ingress"

    let pool: PostgresPool
    let outbox: OutboxWriter
    let publisher: (any LeasedOutboxPublisher)?
    let logger: Logger

    /// Creates the helper.
    /// - Parameters:
    ///   - pool: The database (tenant transactions).
    ///   - outbox: Where first messages are written.
    ///   - publisher: Publishes the first messages right after the commit; nil: the relays do.
    ///   - logger: Where database failures are logged.
    public init(pool: PostgresPool, outbox: OutboxWriter, publisher: (any LeasedOutboxPublisher)? = nil, logger: Logger) {
        self.pool = pool
        self.outbox = outbox
        self.publisher = publisher
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
        let leasing = publisher != nil
        let (answer, leased) = try await pool.asTenant(tenantID, logger: logger) { connection in
            let answer = try answer(connection)
            if let earlier = try key?.claim(answer: answer, tenantID: tenantID, on: connection) {
                return (earlier, [LeasedOutboxRow]())
            }
            let events = try insert(connection)
            if leasing {
                return (answer, try outbox.insertLeased(events, tenantID: tenantID, appID: Self.appID, on: connection))
            }
            try outbox.insert(events, tenantID: tenantID, on: connection)
            if !events.isEmpty { try outbox.notify(on: connection) }
            return (answer, [])
        }
        publisher?.publish(leased)
        return answer
    }
}
