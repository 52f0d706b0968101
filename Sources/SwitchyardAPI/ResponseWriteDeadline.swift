// A client that stops taking its answer: the idle timer counts reads only, and a request whose
// answer is still being written is never idle, so a client that read an answer's head and no
// more held its connection, and what the answer was written from, for as long as it stayed.

import NIOCore

/// Closes a connection whose client has taken nothing of what was written to it for `limit`:
/// the channel turned unwritable (the sockets' buffers full and more than NIO's high watermark
/// queued behind them) and stayed so. Every time the client takes enough for the channel to
/// turn writable again (what is queued under NIO's 32 KiB low watermark) the clock starts
/// afresh, so a slow reader keeps its connection as long as it takes what was queued per
/// `limit`: for a large answer about one slice, since its writer waits for the channel after
/// each (``whenWritable(_:)``); one that takes a large answer slower than a floor rate is cut
/// off by its writer (``SendRateFloor``).
///
/// The answer's writer then fails and releases what it held: a large job answer's reservation
/// in ``AnswerBudget``, a live-update stream's place in its quota.
final class ResponseWriteDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let limit: TimeAmount
    private var deadline: Scheduled<Void>?
    /// Writers waiting for the channel to be writable again.
    private var waiting: [EventLoopPromise<Void>] = []

    /// - Parameter limit: How long a client may take nothing while its answer waits.
    init(limit: TimeAmount) {
        self.limit = limit
    }

    /// Succeeds once what `channel` has queued so far has fallen under the low watermark (at
    /// once if it has), fails when the connection closes first. Hummingbird's body writer hands
    /// its parts to NIO from the request's task and sees the channel turn unwritable only after
    /// the event loop has taken more of them, so a writer that doesn't wait here puts most of a
    /// large answer into NIO's buffer at once.
    /// - Parameter channel: A channel of a server made with `guardedHTTP1`.
    static func whenWritable(_ channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.flatSubmit {
            guard !channel.isWritable else { return channel.eventLoop.makeSucceededVoidFuture() }
            guard channel.isActive, let handler = try? channel.pipeline.syncOperations.handler(type: ResponseWriteDeadline.self) else {
                return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
            }
            let promise = channel.eventLoop.makePromise(of: Void.self)
            handler.waiting.append(promise)
            return promise.futureResult
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            disarm()
            release(with: nil)
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
        release(with: ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        release(with: ChannelError.ioOnClosedChannel)
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    /// Ends the writers' waits: with `error`, or (nil) because the channel is writable.
    private func release(with error: (any Error)?) {
        let waiting = self.waiting
        self.waiting = []
        for promise in waiting {
            if let error { promise.fail(error) } else { promise.succeed() }
        }
    }
}
