// One delivery, start to finish: run the handler, then commit-then-ack, retry through a tier,
// or dead-letter, and only then acknowledge.

import Foundation
import Logging
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardPostgres

/// A delivery and where it came from.
struct Work: Sendable {
    var delivery: AMQPDelivery
    var role: any WorkerRole
    var queue: String
    var maxAttempts: Int
    var handlerTimeout: Duration
    var metrics: WorkerMetrics
}

/// A broker failure that ends the session: the connections are re-established.
struct SessionFailure: Error, CustomStringConvertible {
    var description: String
}

/// Applies the delivery rules to one delivery. Acknowledges only after the outcome is durable:
/// the commit, or the confirmed publish of the retry or dead letter.
struct DeliveryProcessor: Sendable {
    let topology: Topology
    let retryPolicy: RetryPolicy
    let committer: Committer
    let consumerChannel: AMQPChannel
    let publisher: AMQPChannel
    let workerID: String
    let logger: Logger

    /// Processes one delivery.
    /// - Throws: ``SessionFailure`` when the broker can't take the retry, the dead letter or the
    ///   ack; the delivery stays unacknowledged and returns to its queue.
    func process(_ work: Work) async throws {
        let started = ContinuousClock.now
        let metrics = work.metrics
        metrics.began()
        defer { metrics.ended() }
        let message: WorkMessage
        do {
            message = try WorkMessage(delivery: work.delivery, queue: work.queue, maxAttempts: work.maxAttempts)
        } catch {
            try await deadLetter(work, failure: error, attempts: 1)
            return
        }
        // Room for every key the line gets (outcome, duration, error, ...): no regrowth.
        var metadata = Logger.Metadata(minimumCapacity: 8)
        metadata["message_id"] = "\(message.messageID)"
        metadata["role"] = "\(work.role.name)"
        metadata["attempt"] = "\(message.attempt)"
        if let correlationID = message.correlationID { metadata["correlation_id"] = "\(correlationID)" }
        if let notBefore = message.notBefore, case let remaining = notBefore - Self.epochMilliseconds(), remaining > 0 {
            metadata["outcome"] = "\(try await wait(work, for: .milliseconds(remaining)))"
            logger.info("processed", metadata: metadata)
            return
        }
        // A redelivery may follow a commit whose ack was lost: skip the handler (and whatever it
        // would call again) when the inbox says the work is done.
        if work.delivery.redelivered, await committer.isDone(consumer: work.role.name, messageID: message.messageID) {
            try ack(work)
            metrics.duplicate()
            metadata["outcome"] = "duplicate"
            logger.info("processed", metadata: metadata)
            return
        }
        let outcome = await HandlerDeadline.run(work.role, message, timeout: work.handlerTimeout)
        let handled = ContinuousClock.now
        metrics.handled(in: handled - started)
        switch outcome {
        case .success(var effects):
            effects.followUps = effects.followUps.map { $0.continuing(message) }
            let result = await committer.commit(
                consumer: work.role.name, messageID: message.messageID, tenantID: message.tenantID, effects: effects)
            switch result {
            case .committed:
                try ack(work)
                metrics.succeeded(message)
                metadata["outcome"] = "success"
            case .duplicate:
                try ack(work)
                metrics.duplicate()
                metadata["outcome"] = "duplicate"
            case .failed(let error) where error.isTransient:
                let failure = HandlerFailure("database_transient", "\(error)")
                metadata["outcome"] = "\(try await retry(work, message, failure, tier: retryPolicy.tier(afterAttempt: message.attempt)))"
                metadata["error"] = "\(failure.errorClass): \(failure.message)"
            case .failed(let error):
                // The database refused this delivery's values (or its statements), or its writes
                // took the connection down again and again: retrying can't help, and the rest
                // of the batch committed without it.
                let errorClass = error.isInvalidValue ? "invalid_value" : error.isConnectionLevel ? "connection_lost" : "database"
                let failure = HandlerFailure(errorClass, "\(error)")
                try await deadLetter(work, failure: failure, attempts: message.attempt)
                metadata["outcome"] = "dead_letter"
                metadata["error"] = "\(failure.errorClass): \(failure.message)"
            case .abandoned:
                metrics.abandon()
                metadata["outcome"] = "abandoned"
            }
        case .transientFailure(let failure):
            metadata["outcome"] = "\(try await retry(work, message, failure, tier: retryPolicy.tier(afterAttempt: message.attempt)))"
            metadata["error"] = "\(failure.errorClass): \(failure.message)"
        case .rateLimited(let retryAfter, let failure):
            metadata["outcome"] = "\(try await retry(work, message, failure, after: retryAfter))"
            metadata["error"] = "\(failure.errorClass): \(failure.message)"
        case .deferred(let retryAfter, let failure):
            metadata["outcome"] = "\(try await retry(work, message, failure, after: retryAfter, countsAsAttempt: false))"
            metadata["error"] = "\(failure.errorClass): \(failure.message)"
        case .permanentFailure(let failure):
            try await deadLetter(work, failure: failure, attempts: message.attempt)
            metadata["outcome"] = "dead_letter"
            metadata["error"] = "\(failure.errorClass): \(failure.message)"
        }
        metadata["duration_ms"] = "\(Self.milliseconds(handled - started))"
        logger.info("processed", metadata: metadata)
    }

    /// A duration in milliseconds with three decimals.
    private static func milliseconds(_ duration: Duration) -> String {
        let microseconds = duration.nanoseconds / 1_000
        let fraction = String(microseconds % 1_000)
        return "\(microseconds / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Retries no sooner than `retryAfter` (at most ``WorkMessage/longestWait``): through the
    /// shortest tier that long, or, when it is longer than every tier, through the longest with
    /// `sy-not-before` saying when the handler may see the message again; the tiers in between
    /// count no attempt (``wait(_:for:)``).
    private func retry(
        _ work: Work, _ message: WorkMessage, _ failure: HandlerFailure, after retryAfter: Duration, countsAsAttempt: Bool = true
    ) async throws -> String {
        let wait = min(retryAfter, WorkMessage.longestWait)
        let tier = retryPolicy.tier(atLeast: wait)
        let notBefore = wait > tier.delay ? Self.epochMilliseconds() + Self.milliseconds(in: wait) : nil
        return try await retry(work, message, failure, tier: tier, countsAsAttempt: countsAsAttempt, notBefore: notBefore)
    }

    /// Republishes to the retry exchange (the tier header picks the delay, the routing key is the
    /// origin queue), or dead-letters once the role's attempts are spent.
    private func retry(
        _ work: Work, _ message: WorkMessage, _ failure: HandlerFailure, tier: Topology.RetryTier, countsAsAttempt: Bool = true,
        notBefore: Int64? = nil
    ) async throws -> String {
        guard message.attempt < work.maxAttempts || !countsAsAttempt else {
            let exhausted = HandlerFailure(
                failure.errorClass, "gave up after \(message.attempt) attempts: \(failure.message)")
            try await deadLetter(work, failure: exhausted, attempts: message.attempt)
            return "dead_letter"
        }
        let now = Self.epochMilliseconds()
        try await sendThrough(tier, work) { headers in
            headers[MessageHeaders.attempt] = .int64(Int64(countsAsAttempt ? message.attempt + 1 : message.attempt))
            headers[MessageHeaders.firstFailure] = headers[MessageHeaders.firstFailure] ?? .int64(now)
            headers[MessageHeaders.lastFailure] = .int64(now)
            headers[MessageHeaders.error] = .string(String(failure.message.prefix(1000)))
            headers[MessageHeaders.notBefore] = notBefore.map { .int64($0) }
        }
        work.metrics.retried(errorClass: failure.errorClass)
        return "retry_\(tier.name)"
    }

    /// Sends a message whose `sy-not-before` is `remaining` away back through the shortest tier
    /// that long (else the longest), otherwise unchanged: the handler doesn't run and no attempt
    /// is counted.
    private func wait(_ work: Work, for remaining: Duration) async throws -> String {
        let tier = retryPolicy.tier(atLeast: remaining)
        try await sendThrough(tier, work) { _ in }
        work.metrics.waited()
        return "waiting_\(tier.name)"
    }

    /// Publishes the delivery to the retry exchange for `tier` (the routing key is the origin
    /// queue), with its own headers as `change` leaves them, then acks it.
    private func sendThrough(_ tier: Topology.RetryTier, _ work: Work, _ change: (inout AMQPTable) -> Void) async throws {
        var properties = work.delivery.properties
        var headers = Self.ownHeaders(properties.headers)
        headers[topology.retryHeader] = .string(tier.name)
        headers[MessageHeaders.originRoutingKey] = headers[MessageHeaders.originRoutingKey] ?? .string(work.delivery.routingKey)
        change(&headers)
        properties.headers = headers
        try await publish(AMQPOutgoingMessage(
            exchange: topology.retryExchange, routingKey: work.queue, body: work.delivery.body,
            properties: properties, mandatory: true), what: "retry")
        try ack(work)
    }

    /// Publishes the message to the dead-letter exchange with headers saying why, then acks.
    private func deadLetter(_ work: Work, failure: HandlerFailure, attempts: Int) async throws {
        var properties = work.delivery.properties
        var headers = Self.ownHeaders(properties.headers)
        let now = Int64(Self.epochMilliseconds())
        headers[MessageHeaders.errorClass] = .string(failure.errorClass)
        headers[MessageHeaders.error] = .string(String(failure.message.prefix(1000)))
        headers[MessageHeaders.attempts] = .int64(Int64(attempts))
        headers[MessageHeaders.firstFailure] = headers[MessageHeaders.firstFailure] ?? .int64(now)
        headers[MessageHeaders.lastFailure] = .int64(now)
        headers[MessageHeaders.worker] = .string(workerID)
        headers[MessageHeaders.originQueue] = .string(work.queue)
        headers[MessageHeaders.originRoutingKey] = headers[MessageHeaders.originRoutingKey] ?? .string(work.delivery.routingKey)
        headers[MessageHeaders.notBefore] = nil
        properties.headers = headers
        try await publish(AMQPOutgoingMessage(
            exchange: topology.deadLetterExchange, routingKey: work.queue, body: work.delivery.body,
            properties: properties, mandatory: true), what: "dead letter")
        try ack(work)
        work.metrics.deadLettered(errorClass: failure.errorClass)
    }

    private func publish(_ message: AMQPOutgoingMessage, what: String) async throws {
        do {
            try await publisher.publish(message)
        } catch {
            throw SessionFailure(description: "publishing a \(what) to \(message.exchange) failed: \(error)")
        }
    }

    private func ack(_ work: Work) throws {
        do {
            try consumerChannel.ack(work.delivery.deliveryTag)
        } catch {
            throw SessionFailure(description: "acknowledging failed: \(error)")
        }
    }

    /// The message's headers without the broker's own (`x-death`, `x-delivery-count`, ...).
    private static func ownHeaders(_ headers: AMQPTable?) -> AMQPTable {
        (headers ?? [:]).filter { !$0.key.hasPrefix("x-") }
    }

    private static func milliseconds(in duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    private static func epochMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
