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

/// `SWITCHYARD_HTTP_MIN_SEND_RATE`: the slowest average rate, in bytes per second, at which a
/// client may take an answer of 1 MiB or more once it has been under way for the idle timeout
/// (``MinimumSendRate``); a slower one loses its connection, and what the answer held is freed.
public enum HTTPMinimumSendRate {
    /// The variable's name.
    public static let variable = "SWITCHYARD_HTTP_MIN_SEND_RATE"
    /// 32 KiB/s: a client that barely reads.
    public static let defaultBytesPerSecond = 32 * 1024

    /// The rate in bytes per second: 1024...1073741824, ``defaultBytesPerSecond`` when unset.
    /// - Throws: ``ConfigurationError`` naming the variable.
    public static func bytesPerSecond(_ variables: ConfigurationVariables) throws(ConfigurationError) -> Int {
        try variables.integer(variable, default: defaultBytesPerSecond, in: 1_024...(1 << 30))
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the fleet's guards: connections idle longer than `idleTimeout` seconds are
    /// closed, each request's head and body must wholly arrive within it
    /// (``RequestReadDeadline``, whose 408 names ``HTTPIdleTimeout/variable``), a client that
    /// takes nothing of its answer for that long loses its connection
    /// (``ResponseWriteDeadline``), and so does one that takes an answer of 1 MiB or more slower
    /// than `minimumSendRate` (``MinimumSendRate``); bytes that break HTTP get a JSON 400
    /// (``MalformedRequestAnswer``); and an answer written in slices can wait for the client to
    /// take each (``WritableSignal``).
    /// - Parameters:
    ///   - seconds: How long a connection may idle, a request take to arrive, and a client take
    ///     nothing of its answer.
    ///   - minimumSendRate: Bytes per second (``HTTPMinimumSendRate``).
    public static func guardedHTTP1(
        idleTimeoutSeconds seconds: Int, minimumSendRate: Int = HTTPMinimumSendRate.defaultBytesPerSecond
    ) -> HTTPServerBuilder {
        let idleTimeout = TimeAmount.seconds(Int64(seconds))
        return .http1(configuration: .init(
            additionalChannelHandlers: [
                MalformedRequestAnswer(), RequestReadDeadline(limit: idleTimeout, variable: HTTPIdleTimeout.variable),
                ResponseWriteDeadline(limit: idleTimeout), MinimumSendRate(bytesPerSecond: minimumSendRate, grace: idleTimeout),
                WritableSignal(),
            ],
            idleTimeout: idleTimeout))
    }
}
