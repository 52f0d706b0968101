// An event to publish: a follow-up written to the outbox, or a producer's event.

public import Foundation

/// An event to publish to the events exchange, in Switchyard's message contract.
public struct OutgoingEvent: Sendable, Equatable {
    /// The event type; also the routing key.
    public var type: String
    /// The versioned JSON body.
    public var body: [UInt8]
    /// The event's unique id (a UUID unless the producer has an idempotency key).
    public var messageID: String
    /// The job or project it belongs to.
    public var correlationID: String?
    /// The owning tenant.
    public var tenantID: String?
    /// W3C trace context.
    public var traceparent: String?

    /// Creates an event.
    public init(
        type: String, body: [UInt8], messageID: String = UUID().uuidString.lowercased(),
        correlationID: String? = nil, tenantID: String? = nil, traceparent: String? = nil
    ) {
        self.type = type
        self.body = body
        self.messageID = messageID
        self.correlationID = correlationID
        self.tenantID = tenantID
        self.traceparent = traceparent
    }
}
