// The public handle of one AMQP channel: declares, bindings, publishing, consuming, settling.

/// A channel on an ``AMQPConnection``.
///
/// A broker error on a channel (declaring a queue with other arguments, acking an unknown
/// tag, ...) closes it: that call throws ``AMQPError`` with code `channelClosed` and the
/// broker's reply code and text, and later calls throw the same error. Open a new channel to
/// go on; the connection stays open.
public final class AMQPChannel: Sendable {
    /// The connection the channel belongs to.
    public let connection: AMQPConnection
    /// The channel number.
    public let number: UInt16

    init(connection: AMQPConnection, number: UInt16) {
        self.connection = connection
        self.number = number
    }

    var loop: ConnectionLoop { connection.loop }

    /// Closes the channel; its consumers end and its unacked deliveries return to their queues.
    public func close() async {
        let number = number
        _ = try? await loop.call { loop throws(AMQPError) in loop.closeChannel(number) }
    }

    // MARK: Publishing

    /// Publishes a message and waits until the broker confirmed it (on a confirm channel) or
    /// the frames were written (otherwise).
    ///
    /// Many tasks may publish at once on one channel: their messages are pipelined and each
    /// confirm is matched to its publish by sequence number. The caller's executor goes on
    /// when the confirm arrives (no hop through the global executor).
    /// - Throws: ``AMQPError``: `nacked`, `unroutable` (a mandatory message matched no queue;
    ///   needs a confirm channel), `channelClosed`, `connectionClosed`.
    public nonisolated(nonsending) func publish(_ message: AMQPOutgoingMessage) async throws {
        let loop = loop
        let number = number
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            do {
                try loop.submit(.publish(channel: number, message: message, waiter: .single(continuation), deadline: loop.confirmDeadline()))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Publishes a message and waits for its confirm.
    /// - Parameters:
    ///   - body: The message body.
    ///   - exchange: The exchange (`""` routes by queue name).
    ///   - routingKey: The routing key.
    ///   - properties: The message properties.
    ///   - mandatory: Report a message that matches no queue as `unroutable`.
    /// - Throws: ``AMQPError`` as ``publish(_:)``.
    public nonisolated(nonsending) func publish(
        _ body: [UInt8], exchange: String, routingKey: String,
        properties: AMQPProperties = AMQPProperties(), mandatory: Bool = false
    ) async throws {
        try await publish(AMQPOutgoingMessage(
            exchange: exchange, routingKey: routingKey, body: body, properties: properties, mandatory: mandatory))
    }

    /// Publishes many messages in one hand-over to the connection thread and waits until the
    /// broker has confirmed or refused each. The caller's executor goes on when the last
    /// outcome arrives.
    /// - Parameter messages: The messages, published in order.
    /// - Returns: One outcome per message, in the same order.
    public nonisolated(nonsending) func publish(_ messages: [AMQPOutgoingMessage]) async -> [Result<Void, AMQPError>] {
        guard !messages.isEmpty else { return [] }
        return await withUnsafeContinuation { continuation in
            publish(messages) { continuation.resume(returning: $0) }
        }
    }

    /// Publishes many messages in one hand-over to the connection thread without waiting:
    /// for a caller that must not suspend (a database connection's thread right after a commit).
    /// - Parameters:
    ///   - messages: The messages, published in order.
    ///   - outcomes: Called once with one outcome per message, in the same order, when the
    ///     broker has confirmed or refused the last one: on the connection's thread (keep it
    ///     short: it holds up the connection), or at once on the caller's thread when the
    ///     channel or connection is closed already.
    public func publish(
        _ messages: [AMQPOutgoingMessage], outcomes: @escaping @Sendable ([Result<Void, AMQPError>]) -> Void
    ) {
        guard !messages.isEmpty else { return outcomes([]) }
        let batch = PublishBatch(count: messages.count, outcomes: outcomes)
        do throws(AMQPError) {
            try loop.submit(.publishBatch(channel: number, messages: messages, batch: batch, deadline: loop.confirmDeadline()))
        } catch {
            batch.fail(messages.indices, with: error)
        }
    }

    // MARK: Consuming

    /// Starts a consumer with manual acknowledgement.
    /// - Parameters:
    ///   - queue: The queue to consume from.
    ///   - prefetch: The most unacknowledged deliveries the broker sends this channel.
    ///   - exclusive: Refuse other consumers on the queue.
    ///   - arguments: Consumer arguments (e.g. `x-priority`).
    /// - Returns: The deliveries, in order. Settle each with ``ack(_:multiple:)``,
    ///   ``nack(_:multiple:requeue:)`` or ``reject(_:requeue:)``.
    /// - Throws: ``AMQPError`` (e.g. `channelClosed` with 404 when the queue does not exist).
    public func consume(
        queue: String, prefetch: UInt16, exclusive: Bool = false, arguments: AMQPTable = [:]
    ) async throws -> AMQPConsumer {
        let (stream, continuation) = AsyncThrowingStream<AMQPDelivery, any Error>.makeStream()
        let number = number
        let sink = DeliverySink(continuation)
        let tag = try await loop.call { loop throws(AMQPError) in
            try loop.consume(
                on: number, queue: queue, prefetch: prefetch, exclusive: exclusive, arguments: arguments, sink: sink)
        }
        let loop = loop
        continuation.onTermination = { termination in
            if case .cancelled = termination {
                try? loop.submit(.perform { $0.cancelConsumer(tag, on: number) })
            }
        }
        return AMQPConsumer(channel: self, tag: tag, deliveries: stream)
    }

    /// Starts a consumer with manual acknowledgement whose deliveries are handed to `deliver`
    /// on the connection's own thread as they arrive, with no task in between (a worker's
    /// buffer takes them straight to a waiting handler).
    ///
    /// `deliver` must return quickly and never block: it holds up every channel of the
    /// connection. Settle each delivery with ``ack(_:multiple:)``,
    /// ``nack(_:multiple:requeue:)`` or ``reject(_:requeue:)``.
    /// - Parameters:
    ///   - queue: The queue to consume from.
    ///   - prefetch: The most unacknowledged deliveries the broker sends this consumer.
    ///   - deliver: Takes each delivery, in order.
    ///   - ended: Called once when the consumer ends: nil after ``cancelConsumer(_:)`` or when
    ///     the client closed the channel or connection; the error when the broker cancelled the
    ///     consumer or the connection was lost.
    /// - Returns: The consumer tag.
    /// - Throws: ``AMQPError`` (e.g. `channelClosed` with 404 when the queue does not exist).
    public func consume(
        queue: String, prefetch: UInt16, deliver: @escaping @Sendable (AMQPDelivery) -> Void,
        ended: @escaping @Sendable (AMQPError?) -> Void
    ) async throws -> String {
        let number = number
        let sink = DeliverySink(deliver: deliver, end: ended)
        return try await loop.call { loop throws(AMQPError) in
            try loop.consume(on: number, queue: queue, prefetch: prefetch, exclusive: false, arguments: [:], sink: sink)
        }
    }

    /// Cancels a consumer on the broker; its `ended` handler is called with nil. Deliveries
    /// already sent to it stay unacknowledged until settled or the channel closes.
    public func cancelConsumer(_ tag: String) async {
        let number = number
        _ = try? await loop.call { loop throws(AMQPError) in loop.cancelConsumer(tag, on: number) }
    }

    /// Fetches one message (`basic.get`).
    /// - Parameters:
    ///   - queue: The queue.
    ///   - autoAck: Let the broker consider the message acknowledged when it is sent.
    /// - Returns: The message, or nil when the queue is empty.
    public func get(queue: String, autoAck: Bool = false) async throws -> AMQPDelivery? {
        let number = number
        return try await loop.call { loop throws(AMQPError) in try loop.get(on: number, queue: queue, autoAck: autoAck) }
    }

    /// Acknowledges a delivery received on this channel.
    /// - Parameters:
    ///   - deliveryTag: The delivery's tag.
    ///   - multiple: Also acknowledge every earlier unacknowledged delivery.
    /// - Throws: ``AMQPError`` when the connection is closed (the broker then requeues it).
    public func ack(_ deliveryTag: UInt64, multiple: Bool = false) throws {
        try loop.submit(.settle(channel: number, deliveryTag: deliveryTag, settlement: .ack(multiple: multiple)))
    }

    /// Negatively acknowledges a delivery.
    /// - Parameters:
    ///   - deliveryTag: The delivery's tag.
    ///   - multiple: Also settle every earlier unacknowledged delivery.
    ///   - requeue: Put it back in the queue; otherwise it is dead-lettered or dropped.
    /// - Throws: ``AMQPError`` when the connection is closed.
    public func nack(_ deliveryTag: UInt64, multiple: Bool = false, requeue: Bool = true) throws {
        try loop.submit(.settle(
            channel: number, deliveryTag: deliveryTag, settlement: .nack(multiple: multiple, requeue: requeue)))
    }

    /// Rejects a delivery.
    /// - Parameters:
    ///   - deliveryTag: The delivery's tag.
    ///   - requeue: Put it back in the queue; otherwise it is dead-lettered or dropped.
    /// - Throws: ``AMQPError`` when the connection is closed.
    public func reject(_ deliveryTag: UInt64, requeue: Bool) throws {
        try loop.submit(.settle(channel: number, deliveryTag: deliveryTag, settlement: .reject(requeue: requeue)))
    }
}
