// A delivered message as a handler sees it: ids, type, attempt, tenant, trace, body.

import Foundation
public import SwitchyardAMQP
import SwitchyardCore

/// One delivery of an event to a role.
public struct WorkMessage: Sendable {
    /// The event's unique id (AMQP `message_id`), stable across retries and redeliveries.
    public var messageID: String
    /// The event type (AMQP `type`, else the routing key).
    public var type: String
    /// Which attempt this is, from 1.
    public var attempt: Int
    /// The job or project the event belongs to.
    public var correlationID: String?
    /// The owning tenant (`sy-tenant`).
    public var tenantID: String?
    /// W3C trace context to pass on.
    public var traceparent: String?
    /// How many workflow steps in a row led to the event (`sy-hop`, ``WorkflowHops``): 0 when
    /// absent or negative.
    public var hops: Int
    /// The earliest the handler may see this message (`sy-not-before`, epoch milliseconds): a
    /// retry's `Retry-After` longer than the longest retry tier, which the runtime waits out
    /// through the tiers without counting attempts. Nil when absent, already past, or more than
    /// ``longestWait`` past the failure that set it (`sy-last-failure`, itself not in the
    /// future), so a forged header can't park a message for longer.
    public var notBefore: Int64?
    /// The versioned JSON body.
    public var body: [UInt8]
    /// The work queue it came from.
    public var queue: String
    /// The raw delivery.
    public var delivery: AMQPDelivery
    /// The role's attempts before a transient failure becomes a dead letter.
    public var maxAttempts: Int

    /// The error class of a dead letter whose body was larger than the message limit and was
    /// left out: a worker's, or one the archiver read past. Such a letter has nothing to replay.
    public static let tooLargeErrorClass = "too_large"

    /// The longest a `Retry-After` holds a message back.
    public static let longestWait = Duration.seconds(7 * 86_400)

    /// Whether a transient failure of this attempt becomes a dead letter (the role's last).
    public var isLastAttempt: Bool {
        attempt >= maxAttempts
    }

    /// Reads the contract's fields from a delivery.
    /// - Throws: ``HandlerFailure``: class `contract` when the message has no `message_id`, one
    ///   with control characters (NUL among them), which can't be its inbox key, or a `sy-tenant`
    ///   that isn't a UUID; class `too_large` when its body was left out (over the message limit).
    /// - Parameters:
    ///   - delivery: The delivery.
    ///   - queue: The work queue it came from.
    ///   - maxAttempts: The role's attempts (unlimited unless given).
    public init(delivery: AMQPDelivery, queue: String, maxAttempts: Int = .max) throws(HandlerFailure) {
        guard let messageID = delivery.properties.messageID, !messageID.isEmpty else {
            throw HandlerFailure("contract", "the message has no message_id property")
        }
        // The id is the inbox key: it must be text the database can store and compare.
        guard !messageID.hasControlCharacters else {
            throw HandlerFailure("contract", "the message_id holds control characters")
        }
        if let size = delivery.omittedBodySize {
            throw HandlerFailure(
                Self.tooLargeErrorClass, "the body is \(size) bytes, more than this worker's message limit (SWITCHYARD_MESSAGE_LIMIT); it was left out")
        }
        let headers = delivery.properties.headers ?? [:]
        self.messageID = messageID
        type = delivery.properties.type ?? delivery.routingKey
        // Our own header, but any producer can set it: a count past the role's attempts is its last.
        attempt = min(max(1, headers[MessageHeaders.attempt]?.intValue ?? 1), max(1, maxAttempts))
        correlationID = delivery.properties.correlationID
        if let tenant = headers[MessageHeaders.tenant] {
            // Checked before the handler runs: the commit would refuse it after the work was done.
            guard let text = tenant.stringValue, UUID(uuidString: text) != nil else {
                throw HandlerFailure("contract", "the sy-tenant header is not a tenant id (a UUID)")
            }
            tenantID = text.lowercased()
        } else {
            tenantID = nil
        }
        traceparent = headers[MessageHeaders.traceparent]?.stringValue
        hops = max(0, headers[MessageHeaders.hop]?.intValue ?? 0)
        // Only a time still ahead, so the wait left (`notBefore` minus now) is positive and at most
        // `longestWait`: a value near Int64.min would overflow that subtraction.
        let now = Int(Date().timeIntervalSince1970 * 1000)
        if let notBefore = headers[MessageHeaders.notBefore]?.intValue, let failed = headers[MessageHeaders.lastFailure]?.intValue,
           failed <= now, notBefore > now, notBefore <= failed + Int(Self.longestWait.components.seconds) * 1000 {
            self.notBefore = Int64(notBefore)
        } else {
            notBefore = nil
        }
        body = delivery.body
        self.queue = queue
        self.delivery = delivery
        self.maxAttempts = maxAttempts
    }
}
