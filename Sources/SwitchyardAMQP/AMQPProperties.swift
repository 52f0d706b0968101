// The AMQP basic properties of a message (message id, type, headers, persistence, ...).

/// The AMQP `basic` properties of a message. Unset properties are not sent.
public struct AMQPProperties: Sendable, Hashable {
    /// MIME type of the body, e.g. `application/json`.
    public var contentType: String?
    /// Encoding of the body, e.g. `gzip`.
    public var contentEncoding: String?
    /// Application headers.
    public var headers: AMQPTable?
    /// 2 = persistent (written to disk), 1 = transient.
    public var deliveryMode: UInt8?
    /// Message priority, 0...9.
    public var priority: UInt8?
    /// Correlation id (Switchyard: the job or project id).
    public var correlationID: String?
    /// Queue for replies.
    public var replyTo: String?
    /// Per-message TTL in milliseconds, as text.
    public var expiration: String?
    /// Unique id of the message (Switchyard: a UUID, stable across retries).
    public var messageID: String?
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64?
    /// Message type (Switchyard: the event type).
    public var type: String?
    /// Broker user id, checked by RabbitMQ when set.
    public var userID: String?
    /// The publishing application.
    public var appID: String?

    /// Creates properties; every argument is optional.
    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: AMQPTable? = nil,
        deliveryMode: UInt8? = nil,
        priority: UInt8? = nil,
        correlationID: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        messageID: String? = nil,
        timestamp: UInt64? = nil,
        type: String? = nil,
        userID: String? = nil,
        appID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
    }

    /// Persistent messages survive a broker restart in durable queues.
    public static let persistent: UInt8 = 2
}
