// The answer to bytes that are not an HTTP/1.1 request: the JSON error shape every other
// refusal has, in place of Hummingbird's empty 400.

import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers an HTTP parse error (headers past the limits, a character HTTP forbids, a malformed
/// request line, length or chunk) with a 400 `malformed_request` naming the problem, then
/// closes the connection, as HTTP requires after a framing error.
///
/// While a response is still owed on the connection (the error came in a request's body, or
/// in a pipelined request), the error goes on to Hummingbird, which answers after that
/// response, so the two never interleave.
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head has arrived and whose response has not ended.
    private var owed = 0
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { owed += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { owed -= 1 }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, owed == 0, !answered else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let body = ByteBuffer(bytes: APIError.malformedRequest(parserError).jsonBody)
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
