// Publishing (pipelined, with confirms matched by sequence number) and settling deliveries:
// both laid out in the turn's ``OutgoingFrames`` and written when the turn ends.

internal import CSwitchyardAMQP

extension ConnectionLoop {
    /// The header that carries a mandatory message's publish sequence number, so that a
    /// `basic.return` is matched to its publish exactly.
    static let publishSequenceHeader = "sy-publish-seq"

    /// Buffered frames beyond this many bytes are written at once instead of at the turn's end.
    static let outgoingWriteThreshold = 256 * 1024

    /// Lays out one `basic.publish`. With confirms on, the waiter hears the broker's ack, nack
    /// or return later (or `confirmTimeout` past `deadline`); without, it hears that the frames
    /// were written. A message that can't be encoded fails alone
    /// (``AMQPError/Code/invalidMessage``) and leaves no byte behind.
    func publish(_ message: AMQPOutgoingMessage, on number: UInt16, waiter: PublishWaiter, deadline: ContinuousClock.Instant?) {
        guard let connection else {
            waiter.resolve(.failure(closedError ?? AMQPError(.connectionClosed, "connection closed")))
            return
        }
        // Past its deadline before it was laid out (the loop waited in a write meanwhile).
        if let deadline, deadline <= ContinuousClock.now, let timeout = configuration.confirmTimeout {
            waiter.resolve(.failure(AMQPError.confirmTimedOut(after: timeout, sent: false)))
            return
        }
        let frameMax = Int(amqp_get_frame_max(connection))
        let state: ChannelState
        do throws(AMQPError) {
            try message.checkEncodable(frameMax: frameMax, messageLimit: configuration.messageLimit)
            state = try openChannel(number)
        } catch {
            waiter.resolve(.failure(error))
            return
        }
        let sequence: (key: String, value: AMQPFieldValue)? =
            message.mandatory && state.confirmMode
            ? (Self.publishSequenceHeader, .int64(Int64(state.nextPublishSequence))) : nil
        var properties = message.properties.c(in: scratch, extraHeader: sequence)
        var method = amqp_basic_publish_t(
            ticket: 0, exchange: scratch.bytes(message.exchange), routing_key: scratch.bytes(message.routingKey),
            mandatory: message.mandatory ? 1 : 0, immediate: 0)
        defer { scratch.recycle() }
        let laidOut = message.body.withUnsafeBytes { body in
            Result { () throws(AMQPError) in
                try outgoing.appendPublish(&method, properties: &properties, body: body, channel: number, frameMax: frameMax)
            }
        }
        if case .failure(let error) = laidOut {
            waiter.resolve(.failure(error))
            return
        }
        if state.confirmMode {
            state.awaitConfirm(waiter, deadline: deadline)
        } else {
            awaitWrite(waiter)
        }
        if outgoing.count >= Self.outgoingWriteThreshold { writeFrames() }
    }

    /// Lays out a batch's publishes in order. A write in its middle (the buffer passed
    /// ``outgoingWriteThreshold``) may wait for room while the broker reads nothing; the
    /// publishes not laid out then fail at their deadline from that wait
    /// (``expireUnsentBatchRest(_:)``), so that the batch is answered in time, and are skipped
    /// once the write goes on.
    func publishBatch(_ messages: [AMQPOutgoingMessage], on number: UInt16, batch: PublishBatch, deadline: ContinuousClock.Instant?) {
        unsentBatchRest = deadline.map { UnsentBatchRest(batch: batch, deadline: $0, next: 0, end: messages.count) }
        defer { unsentBatchRest = nil }
        for (index, message) in messages.enumerated() {
            if deadline != nil {
                // Failed from a write's wait: the rest of the batch has been answered.
                guard unsentBatchRest != nil else { return }
                unsentBatchRest?.next = index + 1
            }
            publish(message, on: number, waiter: .batch(batch, index: index), deadline: deadline)
        }
    }

    /// Fails the publishes of the batch being laid out that are not laid out yet, once their
    /// deadline has passed: they were never sent.
    func expireUnsentBatchRest(_ timeout: Duration) {
        guard let rest = unsentBatchRest, rest.deadline <= ContinuousClock.now else { return }
        unsentBatchRest = nil
        let error = AMQPError.confirmTimedOut(after: timeout, sent: false)
        rest.batch.fail(rest.next..<rest.end, with: error)
    }

    /// Lays out an ack, nack or reject. A delivery on a channel that has closed needs none:
    /// the broker has already requeued it.
    /// - Parameter noting: Tell the channel's ``AckCoalescer`` (false for the frames it made).
    func settle(_ tag: UInt64, _ settlement: Settlement, on number: UInt16, noting: Bool = true) {
        guard connection != nil, let state = channels[number], state.closeError == nil else { return }
        do throws(AMQPError) {
            switch settlement {
            case .ack(let multiple):
                var method = amqp_basic_ack_t(delivery_tag: tag, multiple: multiple ? 1 : 0)
                try outgoing.appendMethod(SY_BASIC_ACK, &method, channel: number)
                if noting { state.acks.noteSent(tag, multiple: multiple) }
            case .nack(let multiple, let requeue):
                var method = amqp_basic_nack_t(delivery_tag: tag, multiple: multiple ? 1 : 0, requeue: requeue ? 1 : 0)
                try outgoing.appendMethod(SY_BASIC_NACK, &method, channel: number)
                if noting { state.acks.noteSent(tag, multiple: multiple) }
            case .reject(let requeue):
                var method = amqp_basic_reject_t(delivery_tag: tag, requeue: requeue ? 1 : 0)
                try outgoing.appendMethod(SY_BASIC_REJECT, &method, channel: number)
                if noting { state.acks.noteSent(tag, multiple: false) }
            }
        } catch {
            failure = failure ?? error
        }
    }
}

/// The publishes of a batch not laid out yet: slots `next..<end` of `batch`, due at `deadline`.
struct UnsentBatchRest {
    let batch: PublishBatch
    let deadline: ContinuousClock.Instant
    var next: Int
    let end: Int
}
