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
/// An error in a request's body goes on to the route reading it, and that route's answer (or the
/// one it gave before reading the body) is the request's only one: the connection closes after
/// it, and the empty 400 Hummingbird would write next is not sent. An error after whole
/// requests whose responses are still owed (a pipelined request that breaks HTTP) is answered
/// once they have been written, so the answers never interleave.
///
/// A `CONNECT` (a request to open a tunnel) is answered here too, never by a route: 405
/// `method_not_allowed`, then the connection closes, since the parser takes what follows a
/// `CONNECT` as the tunnel's bytes. NIO's encoder writes every answer to a `CONNECT` without its
/// body (as a 2xx switching to a tunnel must be), so this answer is written as bytes past it.
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head has arrived and whose response has not ended.
    private var owed = 0
    /// Whether a request's head has arrived and its end has not.
    private var readingBody = false
    /// What this handler answers itself.
    private enum Refusal {
        case malformed(HTTPParserError)
        case connect
    }

    /// The refusal to answer once the owed responses are written.
    private var pending: Refusal?
    /// Whether a `CONNECT` came: its parts and whatever follows go no further.
    private var readingConnect = false
    /// Whether this handler answered or closed: nothing more is written.
    private var answered = false
    /// Whether a request's body broke HTTP: its route's answer is the last.
    private var closingAfterOwed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Nothing after a CONNECT is a request of this connection's: the answer ends it.
        guard !readingConnect else { return }
        switch unwrapInboundIn(data) {
        case .head(let head) where head.method == .connect:
            readingConnect = true
            guard !answered, pending == nil else { return }
            if owed == 0 { answer(.connect, context: context) } else { pending = .connect }
            return
        case .head:
            owed += 1
            readingBody = true
        case .end:
            readingBody = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !answered else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        owed = max(owed - 1, 0)
        context.write(data, promise: promise)
        guard owed == 0 else { return }
        if closingAfterOwed {
            close(context: context)
        } else if let pending {
            answer(pending, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Once an answer is on its way, whatever the broken parser says next changes nothing.
        guard !answered, pending == nil, !closingAfterOwed else { return }
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if readingBody {
            // The request was answered, or its route answers it (reading the error if it reads
            // the body); the framing is lost, so that answer is the connection's last.
            closingAfterOwed = true
            if owed == 0 { close(context: context) } else { context.fireErrorCaught(error) }
        } else if owed == 0 {
            answer(.malformed(parserError), context: context)
        } else {
            pending = .malformed(parserError)
        }
    }

    /// Closes the connection once what was written has gone out; nothing more is written.
    private func close(context: ChannelHandlerContext) {
        answered = true
        let channel = context.channel
        // Writes complete in order: an empty one written after the answer completes after it.
        guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            context.flush()
            channel.close(promise: nil)
            return
        }
        encoder.writeAndFlush(NIOAny(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Writes the refusal and closes the connection once it is written.
    private func answer(_ refusal: Refusal, context: ChannelHandlerContext) {
        answered = true
        pending = nil
        let channel = context.channel
        switch refusal {
        case .malformed(let error):
            let body = ByteBuffer(bytes: APIError.malformedRequest(error).jsonBody)
            let head = HTTPResponse(status: .badRequest, headerFields: [
                .contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close",
            ])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        case .connect:
            guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
                channel.close(promise: nil)
                return
            }
            encoder.writeAndFlush(NIOAny(ByteBuffer(bytes: Self.connectRefusal))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// The whole answer to a `CONNECT`, as bytes.
    static let connectRefusal: [UInt8] = {
        let body = APIError(.methodNotAllowed, "method_not_allowed", "CONNECT is not served here: this server is not a proxy").jsonBody
        let head = "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + "Allow: GET, HEAD, POST, PUT, PATCH, DELETE\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }()
}
