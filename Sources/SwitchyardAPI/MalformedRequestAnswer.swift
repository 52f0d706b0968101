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
/// An error in a request's body goes on to the route reading it. An error after whole requests
/// whose responses are still owed (a pipelined request that breaks HTTP) is answered once they
/// have been written, so the answers never interleave.
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head has arrived and whose response has not ended.
    private var owed = 0
    /// Whether a request's head has arrived and its end has not.
    private var readingBody = false
    /// The parse error to answer once the owed responses are written.
    private var pending: HTTPParserError?
    /// Whether a `CONNECT` came: after its answer the parser reads the rest as a tunnel's
    /// bytes, so the connection closes once the answer is written.
    private var closeWhenAnswered = false
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            owed += 1
            readingBody = true
            if head.method == .connect { closeWhenAnswered = true }
        case .end:
            readingBody = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        owed = max(owed - 1, 0)
        if owed == 0, let pending {
            context.write(data, promise: promise)
            answer(pending, context: context)
        } else if owed == 0, closeWhenAnswered {
            let channel = context.channel
            context.writeAndFlush(data).whenComplete { result in
                promise?.completeWith(result)
                channel.close(promise: nil)
            }
        } else {
            context.write(data, promise: promise)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Once an answer is on its way, whatever the broken parser says next changes nothing.
        guard !answered, pending == nil else { return }
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if owed == 0 {
            answer(parserError, context: context)
        } else if readingBody {
            context.fireErrorCaught(error)
        } else {
            pending = parserError
        }
    }

    /// Writes the 400 and closes the connection once it is written.
    private func answer(_ error: HTTPParserError, context: ChannelHandlerContext) {
        answered = true
        pending = nil
        let body = ByteBuffer(bytes: APIError.malformedRequest(error).jsonBody)
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
