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
    /// Set for an event that waits before it is delivered (to one work queue, not by its type).
    public var delay: Delay?

    /// How an event waits: it is published to the retry exchange with a tier header, waits out
    /// the tier's time in the tier's queue, and is then dead-lettered to one work queue.
    public struct Delay: Sendable, Equatable, Codable {
        /// The retry exchange.
        public var exchange: String
        /// The work queue it lands in: the routing key through the tier.
        public var queue: String
        /// The header that picks the tier.
        public var header: String
        /// The tier's name, the header's value (`5s`).
        public var tier: String

        /// Creates a delay.
        public init(exchange: String, queue: String, header: String, tier: String) {
            self.exchange = exchange
            self.queue = queue
            self.header = header
            self.tier = tier
        }
    }

    /// Creates an event.
    public init(
        type: String, body: [UInt8], messageID: String = UUID().uuidString.lowercased(),
        correlationID: String? = nil, tenantID: String? = nil, traceparent: String? = nil, delay: Delay? = nil
    ) {
        self.type = type
        self.body = body
        self.messageID = messageID
        self.correlationID = correlationID
        self.tenantID = tenantID
        self.traceparent = traceparent
        self.delay = delay
    }
}
