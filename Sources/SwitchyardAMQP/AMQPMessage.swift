// Messages going out (AMQPOutgoingMessage) and coming in (AMQPDelivery).

/// A message to publish.
public struct AMQPOutgoingMessage: Sendable {
    /// The exchange to publish to (`""` is the default exchange, which routes by queue name).
    public var exchange: String
    /// The routing key.
    public var routingKey: String
    /// The message body.
    public var body: [UInt8]
    /// The message properties.
    public var properties: AMQPProperties
    /// Whether a message that matches no queue comes back as ``AMQPError/Code/unroutable``
    /// instead of being dropped.
    public var mandatory: Bool

    /// Creates a message.
    /// - Parameters:
    ///   - exchange: The exchange to publish to.
    ///   - routingKey: The routing key.
    ///   - body: The body bytes.
    ///   - properties: The properties (persistence, ids, headers).
    ///   - mandatory: Whether an unroutable message is reported as an error.
    public init(
        exchange: String,
        routingKey: String,
        body: [UInt8],
        properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }
}

/// A message delivered by the broker, from a consumer or `basic.get`.
public struct AMQPDelivery: Sendable {
    /// The tag to ack, nack or reject this delivery with, on the channel that received it.
    public var deliveryTag: UInt64
    /// Whether the broker delivered this message before (to this or another consumer).
    public var redelivered: Bool
    /// The exchange the message was published to.
    public var exchange: String
    /// The routing key it was published with.
    public var routingKey: String
    /// The message properties.
    public var properties: AMQPProperties
    /// The message body; empty when it was larger than the connection's
    /// ``AMQPConnection/Configuration/messageLimit`` (see ``omittedBodySize``).
    public var body: [UInt8]
    /// The size of a body larger than the connection's
    /// ``AMQPConnection/Configuration/messageLimit``, which was read past without being kept;
    /// `nil` when ``body`` is the whole body.
    public var omittedBodySize: Int? = nil
}

/// What a queue declaration reports.
public struct AMQPQueueStatus: Sendable, Hashable {
    /// The queue's name (the broker's choice when declared with an empty name).
    public var name: String
    /// Messages ready for delivery (not counting unacknowledged ones).
    public var messageCount: UInt32
    /// Active consumers.
    public var consumerCount: UInt32
}
