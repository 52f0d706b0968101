// An event to publish: a follow-up written to the outbox, or a producer's event.

public import Foundation
public import SwitchyardAMQP

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

    /// This follow-up with what it inherits from the message that caused it: the trace
    /// context, the correlation id and the tenant, unless the handler set its own.
    func continuing(_ cause: WorkMessage) -> OutgoingEvent {
        var event = self
        event.traceparent = event.traceparent ?? cause.traceparent
        event.correlationID = event.correlationID ?? cause.correlationID
        event.tenantID = event.tenantID ?? cause.tenantID
        return event
    }

    /// The AMQP properties of the contract: persistent JSON with ids, type, time and headers.
    /// - Parameters:
    ///   - appID: The publishing application.
    ///   - now: The publish time.
    public func properties(appID: String, now: Date = Date()) -> AMQPProperties {
        var headers: AMQPTable = [MessageHeaders.firstSeen: .int64(Int64(now.timeIntervalSince1970 * 1000))]
        if let tenantID { headers[MessageHeaders.tenant] = .string(tenantID) }
        if let traceparent { headers[MessageHeaders.traceparent] = .string(traceparent) }
        return AMQPProperties(
            contentType: "application/json", headers: headers, deliveryMode: AMQPProperties.persistent,
            correlationID: correlationID, messageID: messageID, timestamp: UInt64(now.timeIntervalSince1970),
            type: type, appID: appID)
    }

    /// The message to publish to `exchange`, mandatory so that an event no queue takes is an error.
    public func message(exchange: String, appID: String, now: Date = Date()) -> AMQPOutgoingMessage {
        AMQPOutgoingMessage(
            exchange: exchange, routingKey: type, body: body, properties: properties(appID: appID, now: now),
            mandatory: true)
    }
}
