// Publishing (pipelined, with confirms matched by sequence number) and settling deliveries.

internal import CSwitchyardAMQP

extension ConnectionLoop {
    /// The header that carries a mandatory message's publish sequence number, so that a
    /// `basic.return` is matched to its publish exactly.
    static let publishSequenceHeader = "sy-publish-seq"

    /// Writes one `basic.publish`. With confirms on, the waiter hears the broker's ack, nack or
    /// return later; without, it hears that the frames were written. A message that can't be
    /// encoded fails alone (``AMQPError/Code/invalidMessage``) before any byte is written.
    func publish(_ message: AMQPOutgoingMessage, on number: UInt16, waiter: PublishWaiter) {
        guard let connection else {
            waiter.resolve(.failure(closedError ?? AMQPError(.connectionClosed, "connection closed")))
            return
        }
        let state: ChannelState
        do throws(AMQPError) {
            try message.checkEncodable(frameMax: Int(amqp_get_frame_max(connection)))
            state = try openChannel(number)
        } catch {
            waiter.resolve(.failure(error))
            return
        }
        let sequence: AMQPTable? =
            message.mandatory && state.confirmMode
            ? [Self.publishSequenceHeader: .int64(Int64(state.nextPublishSequence))] : nil
        var properties = message.properties.c(in: scratch, extraHeaders: sequence)
        let exchange = scratch.bytes(message.exchange)
        let routingKey = scratch.bytes(message.routingKey)
        holdSegmentsIfSeveralPublishes()
        let status = message.body.withUnsafeBytes { body in
            amqp_basic_publish(
                connection, number, exchange, routingKey, message.mandatory ? 1 : 0, 0, &properties,
                amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
        }
        scratch.recycle()
        guard status == AMQP_STATUS_OK.rawValue else {
            let error = libraryFailure(status, "publishing to exchange '\(message.exchange)'")
            waiter.resolve(.failure(error))
            failure = failure ?? error
            return
        }
        if state.confirmMode {
            state.awaitConfirm(waiter)
        } else {
            waiter.resolve(.success(()))
        }
    }

    /// Sends an ack, nack or reject. A delivery on a channel that has closed needs none: the
    /// broker has already requeued it.
    /// - Parameter noting: Tell the channel's ``AckCoalescer`` (false for the frames it made).
    func settle(_ tag: UInt64, _ settlement: Settlement, on number: UInt16, noting: Bool = true) {
        guard let connection, let state = channels[number], state.closeError == nil else { return }
        let status: Int32
        switch settlement {
        case .ack(let multiple):
            status = amqp_basic_ack(connection, number, tag, multiple ? 1 : 0)
            if noting { state.acks.noteSent(tag, multiple: multiple) }
        case .nack(let multiple, let requeue):
            status = amqp_basic_nack(connection, number, tag, multiple ? 1 : 0, requeue ? 1 : 0)
            if noting { state.acks.noteSent(tag, multiple: multiple) }
        case .reject(let requeue):
            status = amqp_basic_reject(connection, number, tag, requeue ? 1 : 0)
            if noting { state.acks.noteSent(tag, multiple: false) }
        }
        if status != AMQP_STATUS_OK.rawValue {
            failure = failure ?? libraryFailure(status, "settling delivery \(tag)")
        }
    }
}
