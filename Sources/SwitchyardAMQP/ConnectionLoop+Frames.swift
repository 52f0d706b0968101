// Reading frames: deliveries and returns (assembled from method, header and body frames),
// confirms, consumer cancels, and the broker closing a channel or the connection.

internal import CSwitchyardAMQP
import Foundation

extension ConnectionLoop {
    /// The most frames handled before queued commands get their turn again.
    private static let framesPerTurn = 256

    /// Handles the frames that are available now, without blocking.
    /// - Returns: How many frames were handled.
    /// - Throws: The error that ends the connection (socket closed, heartbeat missed).
    func readFrames() throws(AMQPError) -> Int {
        var handled = 0
        var frame = amqp_frame_t()
        var immediately = timeval(tv_sec: 0, tv_usec: 0)
        while handled < Self.framesPerTurn, failure == nil, let connection {
            let status = amqp_simple_wait_frame_noblock(connection, &frame, &immediately)
            if status == AMQP_STATUS_TIMEOUT.rawValue { break }
            guard status == AMQP_STATUS_OK.rawValue else {
                throw libraryFailure(status, "reading from the broker")
            }
            handle(frame)
            handled += 1
        }
        if handled > 0, let connection {
            amqp_maybe_release_buffers(connection)
        }
        return handled
    }

    /// Blocks until the content of a `basic.get-ok` on `channel` has arrived, handling any other
    /// frames that come first.
    func readFetchedContent(on channel: ChannelState) throws(AMQPError) -> AMQPDelivery {
        var frame = amqp_frame_t()
        var timeout = timeval(seconds: max(30, Double(configuration.heartbeat) * 2))
        while channel.fetched == nil {
            guard let connection, failure == nil else {
                throw failure ?? closedError ?? AMQPError(.connectionClosed, "connection closed")
            }
            if let closeError = channel.closeError { throw closeError }
            let status = amqp_simple_wait_frame_noblock(connection, &frame, &timeout)
            guard status == AMQP_STATUS_OK.rawValue else {
                let error = libraryFailure(status, "reading a fetched message")
                failure = failure ?? error
                throw error
            }
            handle(frame)
        }
        defer { channel.fetched = nil }
        return channel.fetched!
    }

    private func handle(_ frame: amqp_frame_t) {
        switch Int32(frame.frame_type) {
        case AMQP_FRAME_METHOD:
            handleMethod(frame.payload.method, channel: frame.channel)
        case AMQP_FRAME_HEADER:
            guard let state = channels[frame.channel], var content = state.content else { return }
            let header = frame.payload.properties
            let size = Int(clamping: header.body_size)
            content.expectedSize = size
            if size > configuration.messageLimit {
                content.delivery.omittedBodySize = size
            } else {
                content.delivery.body.reserveCapacity(size)
            }
            if let decoded = header.decoded {
                content.delivery.properties = AMQPProperties(
                    copying: decoded.assumingMemoryBound(to: amqp_basic_properties_t.self).pointee)
            }
            state.content = content
            completeIfReady(state)
        case AMQP_FRAME_BODY:
            guard let state = channels[frame.channel], state.content != nil else { return }
            let fragment = frame.payload.body_fragment
            state.content!.receivedSize += fragment.len
            if fragment.len > 0, let base = fragment.bytes, state.content!.delivery.omittedBodySize == nil {
                state.content!.delivery.body.append(
                    contentsOf: UnsafeRawBufferPointer(start: base, count: fragment.len))
            }
            completeIfReady(state)
        default:
            break
        }
    }

    private func handleMethod(_ method: amqp_method_t, channel number: UInt16) {
        let decoded = method.decoded
        switch method.id {
        case SY_BASIC_DELIVER:
            let deliver = decoded!.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            beginContent(
                on: number, purpose: .delivery(consumerTag: String(copying: deliver.consumer_tag)),
                tag: deliver.delivery_tag, redelivered: deliver.redelivered != 0,
                exchange: deliver.exchange, routingKey: deliver.routing_key)
        case SY_BASIC_RETURN:
            let returned = decoded!.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            beginContent(
                on: number,
                purpose: .returned(replyCode: returned.reply_code, replyText: String(copying: returned.reply_text)),
                tag: 0, redelivered: false, exchange: returned.exchange, routingKey: returned.routing_key)
        case SY_BASIC_ACK:
            let ack = decoded!.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            channels[number]?.confirm(upTo: ack.delivery_tag, multiple: ack.multiple != 0, nack: false)
        case SY_BASIC_NACK:
            let nack = decoded!.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            channels[number]?.confirm(upTo: nack.delivery_tag, multiple: nack.multiple != 0, nack: true)
        case SY_BASIC_CANCEL:
            let cancel = decoded!.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            let tag = String(copying: cancel.consumer_tag)
            channels[number]?.consumers.removeValue(forKey: tag)?.end(
                AMQPError(.consumerCancelled, "the broker cancelled consumer \(tag) (was its queue deleted?)"))
        case SY_CHANNEL_CLOSE:
            let close = decoded!.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            channelClosedByBroker(number, AMQPError(
                .channelClosed, "the broker closed channel \(number): \(String(copying: close.reply_text))",
                replyCode: close.reply_code))
        case SY_CONNECTION_BLOCKED:
            let reason = String(copying: decoded!.assumingMemoryBound(to: amqp_connection_blocked_t.self).pointee.reason)
            noteBlocked(reason.isEmpty ? "no reason given" : reason)
        case SY_CONNECTION_UNBLOCKED:
            noteBlocked(nil)
        case SY_CONNECTION_CLOSE:
            let close = decoded!.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            connectionClosedByBroker(AMQPError(
                .connectionClosed, "the broker closed the connection: \(String(copying: close.reply_text))",
                replyCode: close.reply_code))
        default:
            break
        }
    }

    /// Starts assembling a message whose header and body frames follow.
    func beginContent(
        on number: UInt16, purpose: ContentAssembly.Purpose, tag: UInt64, redelivered: Bool,
        exchange: amqp_bytes_t, routingKey: amqp_bytes_t
    ) {
        guard let state = channels[number] else { return }
        state.content = ContentAssembly(
            purpose: purpose,
            delivery: AMQPDelivery(
                deliveryTag: tag, redelivered: redelivered, exchange: state.lastExchange.reusing(exchange),
                routingKey: state.lastRoutingKey.reusing(routingKey), properties: AMQPProperties(), body: []))
    }

    private func completeIfReady(_ state: ChannelState) {
        guard let content = state.content, content.isComplete else { return }
        state.content = nil
        switch content.purpose {
        case .delivery(let consumerTag):
            // A delivery for a consumer already cancelled stays unacked; the broker requeues it
            // when the channel closes.
            state.consumers[consumerTag]?.deliver(content.delivery)
        case .fetched:
            state.fetched = content.delivery
        case .returned(let replyCode, let replyText):
            let delivery = content.delivery
            guard let sequence = delivery.properties.headers?[ConnectionLoop.publishSequenceHeader]?.intValue else {
                return
            }
            state.markReturned(sequence: UInt64(sequence), AMQPError(
                .unroutable,
                "message to exchange '\(delivery.exchange)' with routing key '\(delivery.routingKey)' was returned: \(replyCode) \(replyText)",
                replyCode: replyCode))
        }
    }
}
