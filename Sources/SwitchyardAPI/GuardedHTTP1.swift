// The HTTP/1.1 server every Switchyard port answers on, with the guards for its connections.

public import HummingbirdCore
public import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1.1 with the fleet's guards: connections idle longer than `idleTimeout` are closed,
    /// each request's head and body must wholly arrive within it (``RequestReadDeadline``), and
    /// bytes that break HTTP get a JSON 400 (``MalformedRequestAnswer``).
    /// - Parameters:
    ///   - idleTimeout: How long a connection may idle, and a request take to arrive.
    ///   - variable: The setting it comes from, for the 408's message.
    public static func guardedHTTP1(idleTimeout: TimeAmount, variable: String) -> HTTPServerBuilder {
        .http1(configuration: .init(
            additionalChannelHandlers: [MalformedRequestAnswer(), RequestReadDeadline(limit: idleTimeout, variable: variable)],
            idleTimeout: idleTimeout))
    }

    /// ``guardedHTTP1(idleTimeout:variable:)`` with the timeout in whole seconds, as the
    /// `SWITCHYARD_HTTP_IDLE_TIMEOUT` variable gives it.
    public static func guardedHTTP1(idleTimeoutSeconds seconds: Int, variable: String) -> HTTPServerBuilder {
        guardedHTTP1(idleTimeout: .seconds(Int64(seconds)), variable: variable)
    }
}
