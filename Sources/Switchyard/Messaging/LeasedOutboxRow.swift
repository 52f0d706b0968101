// Outbox rows that their writer publishes itself, right after the transaction that wrote them.

public import SwitchyardAMQP

/// A committed outbox row written with a lease (``OutboxWriter/leasedStatements(_:tenantID:appID:)``),
/// and the message to publish for it.
public struct LeasedOutboxRow: Sendable {
    /// The row's id.
    public var id: Int64
    /// The message a relay would publish for the row.
    public var message: AMQPOutgoingMessage

    /// Creates a row.
    /// - Parameters:
    ///   - id: The row's id.
    ///   - message: The message to publish for it.
    public init(id: Int64, message: AMQPOutgoingMessage) {
        self.id = id
        self.message = message
    }
}

/// Publishes leased outbox rows right after the commit that wrote them and marks them sent once
/// the broker confirmed them. What it can't publish goes to the relays: at once when the broker
/// refused it (the lease is given back), after the lease when the process died first.
public protocol LeasedOutboxPublisher: Sendable {
    /// Hands over rows whose transaction has committed; returns at once.
    func publish(_ rows: [LeasedOutboxRow])
}
