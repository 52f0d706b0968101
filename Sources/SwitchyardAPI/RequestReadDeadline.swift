// A whole request within the idle timeout: the idle timer restarts on every byte, so a request
// trickled a byte at a time held its connection (and whatever it waited for) for hours.

import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose next request, head and body, has not wholly arrived within
/// `limit` of the connection being ready for it (opened, or its previous response sent). A
/// request whose head came in time is answered 408 `request_timeout` first, unless another
/// response is being written then. The clock stops while a complete request is answered, so
/// long responses (live-update streams) are not cut.
///
/// Restarting the clock costs no timer: a request only moves ``expiry``, and the one task
/// scheduled for the connection, when it runs, either expires the connection or schedules
/// itself again for the expiry it finds.
final class RequestReadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    private let variable: String
    /// When the connection expires; nil while the clock is stopped.
    private var expiry: NIODeadline?
    /// The task that checks ``expiry``, scheduled for no later than it.
    private var check: Scheduled<Void>?
    /// Requests whose head has arrived and whose response has not ended.
    private var owed = 0
    /// Whether a request's head has arrived without its end.
    private var reading = false
    /// Whether a response's head has been written without its end.
    private var responding = false

    /// - Parameters:
    ///   - limit: The time a request has to arrive.
    ///   - variable: The setting it comes from, for the 408's message.
    init(limit: TimeAmount, variable: String) {
        self.limit = limit
        self.variable = variable
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopChecking()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopChecking()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            owed += 1
            reading = true
            if expiry == nil { arm(context) }
        case .body:
            break
        case .end:
            reading = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            responding = true
        case .head, .body:
            break
        case .end:
            responding = false
            owed = max(0, owed - 1)
            if owed == 0 || reading { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        let expiry = NIODeadline.now() + limit
        self.expiry = expiry
        if check == nil { schedule(at: expiry, context) }
    }

    /// Stops the clock; the scheduled check finds nothing to expire.
    private func disarm() {
        expiry = nil
    }

    private func schedule(at time: NIODeadline, _ context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: time) {
            let (handler, context) = loopBound.value
            handler.checkExpiry(context)
        }
    }

    private func checkExpiry(_ context: ChannelHandlerContext) {
        check = nil
        guard let expiry else { return }
        if expiry <= .now() {
            self.expiry = nil
            expire(context)
        } else {
            schedule(at: expiry, context)
        }
    }

    private func stopChecking() {
        expiry = nil
        check?.cancel()
        check = nil
    }

    /// The request did not arrive in time: a 408 when one can be written, then the close.
    private func expire(_ context: ChannelHandlerContext) {
        let channel = context.channel
        // A 408 only for a request still owed its answer (one refused before its body was
        // read has had its answer).
        guard reading, owed > 0, !responding else {
            channel.close(promise: nil)
            return
        }
        let seconds = limit.nanoseconds / 1_000_000_000
        let error = APIError(.requestTimeout, "request_timeout", "the request did not arrive within \(seconds) s (\(variable))")
        let body = ByteBuffer(bytes: error.jsonBody)
        let head = HTTPResponse(status: .requestTimeout, headerFields: [
            .contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        responding = true
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
