// Waiting for a connection to take what was written: an answer's body writer hands its slices
// to NIO from another thread, and it sees the channel turn unwritable only after NIO has taken
// more of them, so without a wait most of a large answer sat in NIO's buffer at once.

import NIOCore

/// Tells a writer when its channel is writable again (what is queued has fallen under NIO's low
/// watermark), so an answer written in slices holds about one slice in the channel's buffer.
final class WritableSignal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var waiting: [EventLoopPromise<Void>] = []

    /// Succeeds once `channel`'s writes queued so far have fallen under the low watermark (at
    /// once if they have), fails when the connection closes first.
    /// - Parameter channel: The channel this handler is in.
    static func whenWritable(_ channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.flatSubmit {
            guard !channel.isWritable else { return channel.eventLoop.makeSucceededVoidFuture() }
            guard channel.isActive, let signal = try? channel.pipeline.syncOperations.handler(type: WritableSignal.self) else {
                return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
            }
            let promise = channel.eventLoop.makePromise(of: Void.self)
            signal.waiting.append(promise)
            return promise.futureResult
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { release(with: nil) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release(with: ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release(with: ChannelError.ioOnClosedChannel)
    }

    private func release(with error: (any Error)?) {
        let waiting = self.waiting
        self.waiting = []
        for promise in waiting {
            if let error { promise.fail(error) } else { promise.succeed() }
        }
    }
}
