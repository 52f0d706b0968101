// A client that takes a large answer too slowly: `ResponseWriteDeadline` lets a client keep its
// connection as long as it takes what is queued (about one 256 KiB slice of a large answer) per
// idle timeout, so at 4 KiB/s one held a 48 MiB job answer, and its room in the `AnswerBudget`,
// for over three hours.

import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client takes a large answer (a `Content-Length` of at least
/// ``largeAnswer``) more slowly than `bytesPerSecond` on average once the answer has been under
/// way for `grace`. Once a second while such an answer is written it compares what has left the
/// process (the body written so far less what the channel still buffers) with `bytesPerSecond`
/// times the time past `grace`; what the kernel's socket buffers took counts as taken, so a
/// client that reads nothing is cut off once the rate has caught up with those buffers.
///
/// The answer's writer then fails and releases what it held (a job answer's reservation in
/// ``AnswerBudget``). Smaller answers, and streams (no `Content-Length`), are left to
/// ``ResponseWriteDeadline``: they fit the buffers, so a slow client holds no more of them.
final class MinimumSendRate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The smallest answer whose rate is watched.
    static let largeAnswer = 1 << 20

    private let bytesPerSecond: Int64
    private let grace: TimeAmount
    /// The current large answer: when its head was written, and how much of its body since.
    private var started: NIODeadline?
    private var written: Int64 = 0
    private var check: RepeatedTask?

    /// - Parameters:
    ///   - bytesPerSecond: The slowest average rate at which a client may take a large answer.
    ///   - grace: How long an answer may be under way before the rate counts.
    init(bytesPerSecond: Int, grace: TimeAmount) {
        self.bytesPerSecond = Int64(max(1, bytesPerSecond))
        self.grace = grace
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if let length = head.headerFields[.contentLength].flatMap({ Int($0) }), length >= Self.largeAnswer {
                watch(context: context)
            }
        case .body(let buffer):
            if started != nil { written += Int64(buffer.readableBytes) }
        case .end:
            stop()
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    /// Starts watching the answer whose head is being written.
    private func watch(context: ChannelHandlerContext) {
        stop()
        started = .now()
        written = 0
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        check = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            handler.value.inspect(channel)
        }
    }

    /// Closes `channel` if its client has taken less than the rate owes by now.
    private func inspect(_ channel: any Channel) {
        guard let started else { return }
        let late = NIODeadline.now() - started - grace
        guard late > .zero else { return }
        let buffered = Int64((try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0)
        let owed = bytesPerSecond * late.nanoseconds / 1_000_000_000
        if written - buffered < owed {
            stop()
            channel.close(promise: nil)
        }
    }

    private func stop() {
        check?.cancel()
        check = nil
        started = nil
    }
}
