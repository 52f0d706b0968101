// Writing follow-up events into the outbox table, inside the handler's transaction.

import Foundation
public import SwitchyardAMQP
public import SwitchyardCore
public import SwitchyardPostgres

/// Writes follow-up events to `outbox` in the caller's transaction; the relay publishes them
/// after the commit (or the writer itself, right after it, with ``leasedStatements(_:tenantID:appID:)``),
/// so an event is never lost between the commit and the publish.
public struct OutboxWriter: Sendable {
    /// The channel the relay listens on to hear of new rows at once.
    public static let notificationChannel = "sy_outbox"

    /// The exchange follow-ups are published to.
    public var exchange: String

    /// Creates a writer.
    /// - Parameter exchange: The events exchange.
    public init(exchange: String) {
        self.exchange = exchange
    }

    /// Inserts one outbox row per event.
    /// - Parameters:
    ///   - events: The follow-up events.
    ///   - tenantID: The tenant of the message that caused them, when the events name none.
    ///   - connection: The connection whose transaction the rows join.
    public func insert(_ events: [OutgoingEvent], tenantID: String?, on connection: isolated PostgresConnection) throws {
        for statement in try statements(events, tenantID: tenantID) {
            try connection.execute(statement.sql, statement.parameters)
        }
    }

    /// The statements that insert one outbox row per event, to run (or pipeline) in the
    /// transaction that writes the effects.
    /// - Parameters:
    ///   - events: The follow-up events.
    ///   - tenantID: The tenant of the message that caused them, when the events name none.
    public func statements(_ events: [OutgoingEvent], tenantID: String?) throws -> [PostgresStatement] {
        try events.map { try statement($0, tenantID: tenantID, leased: false) }
    }

    /// How long a relay leaves alone a row that its writer publishes itself after the commit:
    /// long enough for a publish and its confirm under load, short enough that a writer that
    /// died after its commit delays the row only this long.
    public static let lease = Duration.seconds(5)

    /// Like ``statements(_:tenantID:)``, for a writer that publishes the events itself right
    /// after the commit: each row carries a lease (`relay_after`, ``lease`` from the
    /// transaction's start) that keeps the relays off it meanwhile, and each statement returns
    /// the row's id, for the writer to mark it sent after the broker's confirm.
    /// - Parameters:
    ///   - events: The follow-up events.
    ///   - tenantID: The tenant of the message that caused them, when the events name none.
    ///   - appID: The publishing application, in the messages' properties.
    /// - Returns: Each event's statement and the message the writer publishes after the commit
    ///   (the message a relay would publish for the row).
    public func leasedStatements(
        _ events: [OutgoingEvent], tenantID: String?, appID: String
    ) throws -> [(statement: PostgresStatement, message: AMQPOutgoingMessage)] {
        try events.map { event in
            var event = event
            event.tenantID = event.tenantID ?? tenantID
            return (try statement(event, tenantID: tenantID, leased: true), event.message(exchange: exchange, appID: appID))
        }
    }

    /// Runs ``leasedStatements(_:tenantID:appID:)`` in the connection's transaction.
    /// - Parameters:
    ///   - events: The events.
    ///   - tenantID: The tenant of the request that caused them, when the events name none.
    ///   - appID: The publishing application, in the messages' properties.
    ///   - connection: The connection whose transaction the rows join.
    /// - Returns: The rows, for a ``LeasedOutboxPublisher`` once the transaction has committed.
    public func insertLeased(
        _ events: [OutgoingEvent], tenantID: String?, appID: String, on connection: isolated PostgresConnection
    ) throws -> [LeasedOutboxRow] {
        try leasedStatements(events, tenantID: tenantID, appID: appID).map { leased in
            let rows = try connection.query(leased.statement.sql, leased.statement.parameters)
            guard let row = rows.first else { throw PostgresError(.server, "INSERT INTO outbox returned no id") }
            return LeasedOutboxRow(id: try row.decode(Int64.self, at: 0), message: leased.message)
        }
    }

    private func statement(_ event: OutgoingEvent, tenantID: String?, leased: Bool) throws -> PostgresStatement {
        let properties = try JSONEncoder().encode(OutboxProperties(
            correlationID: event.correlationID, traceparent: event.traceparent,
            type: event.delay == nil ? nil : event.type, delay: event.delay))
        let parameters: [any PostgresEncodable] = [
            event.tenantID ?? tenantID, event.delay?.exchange ?? exchange, event.delay?.queue ?? event.type, event.messageID,
            String(decoding: properties, as: UTF8.self), event.body,
        ]
        if leased {
            return PostgresStatement(
                """
                INSERT INTO outbox (tenant_id, exchange, routing_key, message_id, properties, body, relay_after)
                VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6, now() + $7::interval) RETURNING id
                """, parameters + ["\(Self.lease.components.seconds) seconds"])
        }
        return PostgresStatement(
            """
            INSERT INTO outbox (tenant_id, exchange, routing_key, message_id, properties, body)
            VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)
            """, parameters)
    }

    /// The statement that wakes the relays when the transaction commits.
    public static let notifyStatement = PostgresStatement("SELECT pg_notify($1, '')", [notificationChannel])

    /// Wakes the relays when the transaction commits.
    public func notify(on connection: isolated PostgresConnection) throws {
        try connection.execute(Self.notifyStatement.sql, Self.notifyStatement.parameters)
    }
}

/// The contract fields of an outbox row that have no column of their own.
public struct OutboxProperties: Codable, Sendable {
    /// The event's correlation id.
    public var correlationID: String?
    /// The event's W3C trace context.
    public var traceparent: String?
    /// The event type, when the routing key is not the type (a delayed event's is its work queue).
    public var type: String?
    /// How a delayed event waits.
    public var delay: OutgoingEvent.Delay?

    /// Creates the properties.
    public init(correlationID: String?, traceparent: String?, type: String? = nil, delay: OutgoingEvent.Delay? = nil) {
        self.correlationID = correlationID
        self.traceparent = traceparent
        self.type = type
        self.delay = delay
    }

    enum CodingKeys: String, CodingKey {
        case correlationID = "correlation_id"
        case traceparent
        case type
        case delay
    }
}
