// The one error type of the AMQP module: what failed, the broker's reply code and text, and
// the rabbitmq-c status it came from.

/// An error from the broker or the AMQP client library.
///
/// Broker errors carry the AMQP reply code and the broker's text, which names the object and
/// the argument at fault (for example `406 PRECONDITION_FAILED - inequivalent arg
/// 'x-delivery-limit' for queue 'q' in vhost '/': received '5' but current is '10'`).
public struct AMQPError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes never break a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The URL or configuration is invalid.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The TCP connection or the AMQP handshake failed.
        public static let connectionFailed = Code("connectionFailed")
        /// The broker refused the credentials or the virtual host.
        public static let accessRefused = Code("accessRefused")
        /// The connection is gone: closed by the broker, lost, timed out or closed by us.
        public static let connectionClosed = Code("connectionClosed")
        /// The broker closed the channel (the reply code says why); open a new one to go on.
        public static let channelClosed = Code("channelClosed")
        /// A mandatory message matched no queue and came back (`basic.return`).
        public static let unroutable = Code("unroutable")
        /// The broker refused responsibility for a published message (`basic.nack`).
        public static let nacked = Code("nacked")
        /// The broker did not confirm a publish within the connection's
        /// ``AMQPConnection/Configuration/confirmTimeout``; it may still take the message.
        public static let confirmTimeout = Code("confirmTimeout")
        /// The broker blocks the connection's publishes (`connection.blocked`: a memory or disk
        /// alarm), so a publish would wait until the alarm clears: it was not sent, or (past
        /// ``AMQPConnection/Configuration/blockedConfirmWait``) it was and the broker may still
        /// take it after the alarm.
        public static let blocked = Code("blocked")
        /// The broker cancelled a consumer (its queue was deleted, for example).
        public static let consumerCancelled = Code("consumerCancelled")
        /// A message AMQP can't encode (a short string over 255 bytes, headers larger than a
        /// frame): it was not sent, and the connection is unaffected.
        public static let invalidMessage = Code("invalidMessage")
        /// rabbitmq-c reported a protocol or library failure.
        public static let protocolError = Code("protocolError")
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence saying what failed.
    public var message: String
    /// The AMQP reply code from the broker (406 PRECONDITION_FAILED, 404 NOT_FOUND, 312 NO_ROUTE,
    /// 320 CONNECTION_FORCED, ...), when the broker sent one.
    public var replyCode: UInt16?
    /// The rabbitmq-c status code (`amqp_status_enum`), when the library reported the failure.
    public var libraryStatus: Int32?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What failed.
    ///   - replyCode: The broker's AMQP reply code, if any.
    ///   - libraryStatus: The rabbitmq-c status, if any.
    public init(_ code: Code, _ message: String, replyCode: UInt16? = nil, libraryStatus: Int32? = nil) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
        self.libraryStatus = libraryStatus
    }

    /// A publish sent and still unconfirmed `wait` after the broker blocked its connection.
    static func blockedUnconfirmed(reason: String, after wait: Duration) -> AMQPError {
        AMQPError(
            .blocked,
            "the broker blocked the connection (\(reason)) and did not confirm the publish within \(wait) of it; it may take the message once the alarm clears")
    }

    /// A publish that outlived the connection's confirm timeout: written and unconfirmed
    /// (`sent`; the broker may still take it), or never written.
    static func confirmTimedOut(after timeout: Duration, sent: Bool) -> AMQPError {
        AMQPError(
            .confirmTimeout,
            sent
                ? "the broker did not confirm the publish within \(timeout) (a resource alarm, or overloaded?)"
                : "the broker took nothing for \(timeout), so the publish was not sent (a resource alarm, or overloaded?)")
    }

    public var description: String {
        var text = "AMQP \(code): \(message)"
        if let replyCode, !message.hasPrefix(String(replyCode)) {
            text += " (reply code \(replyCode))"
        }
        return text
    }
}
