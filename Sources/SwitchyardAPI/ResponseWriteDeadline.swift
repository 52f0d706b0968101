// A client that stops taking its answer: the idle timer counts reads only, and a request whose
// answer is still being written is never idle, so a client that read an answer's head and no
// more held its connection, and what the answer was written from, for as long as it stayed.

import NIOCore

/// Closes a connection whose client has taken nothing of what was written to it for `limit`:
/// the channel turned unwritable (the sockets' buffers full and more than NIO's high watermark
/// queued behind them) and stayed so. Every time the client takes enough for the channel to
/// turn writable again (what is queued under NIO's 32 KiB low watermark) the clock starts
/// afresh: a slow reader keeps its connection as long as it takes what was queued, for a large
/// answer about one slice (``APIResponse/json(_:status:holding:draining:)``), per `limit`; one
/// that takes a large answer slower than a floor rate is cut off by ``MinimumSendRate``.
///
/// The answer's writer then fails and releases what it held: a large job answer's reservation
/// in ``AnswerBudget``, a live-update stream's place in its quota.
final class ResponseWriteDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    /// - Parameter limit: How long a client may take nothing while its answer waits.
    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            disarm()
        } else if deadline == nil {
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: limit) {
                channel.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
