// An outgoing event as the AMQP message of Switchyard's contract.

public import Foundation
public import SwitchyardAMQP
public import SwitchyardCore

extension OutgoingEvent {
    /// The AMQP properties of the contract: persistent JSON with ids, type, time and headers.
    /// - Parameters:
    ///   - appID: The publishing application.
    ///   - now: The publish time.
    public func properties(appID: String, now: Date = Date()) -> AMQPProperties {
        var headers = AMQPTable(minimumCapacity: 4)
        headers[MessageHeaders.firstSeen] = .int64(Int64(now.timeIntervalSince1970 * 1000))
        if let tenantID { headers[MessageHeaders.tenant] = .string(tenantID) }
        if let traceparent { headers[MessageHeaders.traceparent] = .string(traceparent) }
        if let delay { headers[delay.header] = .string(delay.tier) }
        return AMQPProperties(
            contentType: "application/json", headers: headers, deliveryMode: AMQPProperties.persistent,
            correlationID: correlationID, messageID: messageID, timestamp: UInt64(now.timeIntervalSince1970),
            type: type, appID: appID)
    }

    /// The message to publish to `exchange` with its type as routing key (a delayed event: to
    /// its delay's exchange and work queue), mandatory so that an event no queue takes is an error.
    public func message(exchange: String, appID: String, now: Date = Date()) -> AMQPOutgoingMessage {
        AMQPOutgoingMessage(
            exchange: delay?.exchange ?? exchange, routingKey: delay?.queue ?? type, body: body,
            properties: properties(appID: appID, now: now), mandatory: true)
    }
}
