// Synchronous AMQP methods (channel, exchange, queue, binding, consumer, get, close), each run
// on the loop thread while other channels' frames are queued by rabbitmq-c for later.

internal import CSwitchyardAMQP
import Foundation

extension ConnectionLoop {
    /// Runs one rabbitmq-c RPC on an open channel and converts its reply while the frame memory
    /// is still valid.
    func rpc<Reply, Result>(
        on number: UInt16, _ what: @autoclosure () -> String,
        _ call: (amqp_connection_state_t) -> UnsafeMutablePointer<Reply>?,
        _ convert: (Reply) -> Result
    ) throws(AMQPError) -> Result {
        guard let connection else { throw closedError ?? AMQPError(.connectionClosed, "connection closed") }
        if number != 0 { _ = try openChannel(number) }
        let reply = call(connection)
        scratch.recycle()
        if let error = rpcError(amqp_get_rpc_reply(connection), channel: number, doing: what()) { throw error }
        guard let reply else { throw AMQPError(.protocolError, "\(what()): the broker sent no reply") }
        return convert(reply.pointee)
    }

    /// Opens a channel, optionally in publisher-confirm mode.
    func openNewChannel(confirms: Bool) throws(AMQPError) -> UInt16 {
        let number = try allocateChannel()
        guard let connection else { throw closedError ?? AMQPError(.connectionClosed, "connection closed") }
        let opened = amqp_channel_open(connection, number)
        if let error = rpcError(amqp_get_rpc_reply(connection), channel: number, doing: "opening channel \(number)") {
            throw error
        }
        guard opened != nil else { throw AMQPError(.protocolError, "opening channel \(number): no reply") }
        let state = ChannelState(number: number)
        channels[number] = state
        if confirms {
            try rpc(on: number, "enabling publisher confirms on channel \(number)", { amqp_confirm_select($0, number) }) { _ in }
            state.confirmMode = true
        }
        return number
    }

    /// Closes a channel; its consumers end and its unacked deliveries return to their queues.
    func closeChannel(_ number: UInt16) {
        guard let connection, let state = channels[number] else { return }
        if state.closeError == nil {
            let reply = amqp_channel_close(connection, number, AMQP_REPLY_SUCCESS)
            _ = rpcError(reply, channel: number, doing: "closing channel \(number)")
        }
        channels.removeValue(forKey: number)?.end(
            AMQPError(.channelClosed, "channel \(number) was closed by the client"), finishConsumersCleanly: true)
    }

    /// Starts a consumer whose deliveries go to `continuation`.
    func consume(
        on number: UInt16, queue: String, prefetch: UInt16, exclusive: Bool, arguments: AMQPTable,
        sink: DeliverySink
    ) throws(AMQPError) -> String {
        let state = try openChannel(number)
        try rpc(on: number, "setting prefetch \(prefetch) on channel \(number)", {
            amqp_basic_qos($0, number, 0, prefetch, 0)
        }) { _ in }
        let tag = makeConsumerTag()
        // Registered first: deliveries may be queued behind consume-ok and are handled afterwards.
        state.consumers[tag] = sink
        do throws(AMQPError) {
            try rpc(on: number, "consuming from queue '\(queue)'", {
                amqp_basic_consume($0, number, scratch.bytes(queue), scratch.bytes(tag), 0, 0, exclusive ? 1 : 0,
                                   scratch.table(arguments))
            }) { _ in }
        } catch {
            state.consumers.removeValue(forKey: tag)
            throw error
        }
        return tag
    }

    /// Cancels a consumer; deliveries already sent to it stay unacked until settled or the
    /// channel closes.
    func cancelConsumer(_ tag: String, on number: UInt16) {
        guard let state = channels[number], state.closeError == nil,
              let sink = state.consumers.removeValue(forKey: tag) else { return }
        _ = try? rpc(on: number, "cancelling consumer \(tag)", { amqp_basic_cancel($0, number, scratch.bytes(tag)) }) { _ in }
        sink.end(nil)
    }

    /// Fetches one message with `basic.get`, or nil when the queue is empty.
    func get(on number: UInt16, queue: String, autoAck: Bool) throws(AMQPError) -> AMQPDelivery? {
        let state = try openChannel(number)
        guard let connection else { throw closedError ?? AMQPError(.connectionClosed, "connection closed") }
        let reply = amqp_basic_get(connection, number, scratch.bytes(queue), autoAck ? 1 : 0)
        scratch.recycle()
        if let error = rpcError(reply, channel: number, doing: "getting a message from queue '\(queue)'") {
            throw error
        }
        guard reply.reply.id == SY_BASIC_GET_OK else { return nil }
        let ok = reply.reply.decoded.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
        beginContent(
            on: number, purpose: .fetched, tag: ok.delivery_tag, redelivered: ok.redelivered != 0,
            exchange: ok.exchange, routingKey: ok.routing_key)
        return try readFetchedContent(on: state)
    }

    /// How long ``closeByClient()`` waits for the broker's `close-ok`.
    static let closeTimeout = 5.0

    /// Closes the connection politely (waiting at most ``closeTimeout`` for the broker's
    /// answer), then ends it.
    func closeByClient() {
        guard let connection else { return }
        // The broker's close-ok is waited for at most this long: a broker whose queue stalls
        // (one that lost its quorum) may not answer, and the socket is closed regardless.
        var timeout = timeval(seconds: Self.closeTimeout)
        amqp_set_rpc_timeout(connection, &timeout)
        _ = amqp_connection_close(connection, AMQP_REPLY_SUCCESS)
        failure = nil
        tearDown(AMQPError(.connectionClosed, "the connection was closed by the client"))
    }
}
