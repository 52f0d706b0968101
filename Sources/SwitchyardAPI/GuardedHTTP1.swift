// The HTTP/1.1 server every Switchyard port answers on, with the guards for its connections.

public import HummingbirdCore
import NIOCore
public import SwitchyardCore

/// `SWITCHYARD_HTTP_IDLE_TIMEOUT`: how long a connection to any Switchyard HTTP port (the
/// ingress, `switchyard console`, a worker's or the relay's `--metrics-port`) may idle, a
/// request take to arrive, and a client take nothing of its answer.
public enum HTTPIdleTimeout {
    /// The variable's name.
    public static let variable = "SWITCHYARD_HTTP_IDLE_TIMEOUT"

    /// The timeout in seconds: 1...86400, 60 when unset.
    /// - Throws: ``ConfigurationError`` naming the variable.
    public static func seconds(_ variables: ConfigurationVariables) throws(ConfigurationError) -> Int {
        try variables.integer(variable, default: 60, in: 1...86_400)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the fleet's guards: connections idle longer than `idleTimeout` seconds are
    /// closed, each request's head and body must wholly arrive within it
    /// (``RequestReadDeadline``, whose 408 names ``HTTPIdleTimeout/variable``), a client that
    /// takes nothing of its answer for that long loses its connection
    /// (``ResponseWriteDeadline``, which also lets a writer wait for the client), and bytes that
    /// break HTTP get a JSON 400 (``MalformedRequestAnswer``).
    /// - Parameter seconds: How long a connection may idle, a request take to arrive, and a
    ///   client take nothing of its answer.
    public static func guardedHTTP1(idleTimeoutSeconds seconds: Int) -> HTTPServerBuilder {
        let idleTimeout = TimeAmount.seconds(Int64(seconds))
        return .http1(configuration: .init(
            additionalChannelHandlers: [
                MalformedRequestAnswer(), RequestReadDeadline(limit: idleTimeout, variable: HTTPIdleTimeout.variable),
                ResponseWriteDeadline(limit: idleTimeout),
            ],
            idleTimeout: idleTimeout))
    }
}
