// What AMQP 0-9-1 can encode: short strings of at most 255 bytes, field-table keys of at most
// 128, finite numbers, a content header that fits one frame, and (our own limit) a body no
// larger than the connection's message limit. Checked before anything is written.

extension AMQPOutgoingMessage {
    /// The most bytes an AMQP short string holds (message id, correlation id, type, app id,
    /// exchange, routing key, ...).
    public static let shortStringLimit = 255
    /// The most bytes of a field-table key (the AMQP specification's limit; RabbitMQ's too).
    public static let fieldNameLimit = 128

    /// Checks that the message can be encoded, so that a bad one fails alone instead of
    /// breaking the frames of the connection it shares with other publishers.
    /// - Parameters:
    ///   - frameMax: The connection's negotiated largest frame; the content header
    ///     (properties and headers) must fit in one.
    ///   - messageLimit: The largest body the connection sends
    ///     (``AMQPConnection/Configuration/messageLimit``).
    /// - Throws: ``AMQPError`` with code ``AMQPError/Code/invalidMessage`` naming the property,
    ///   header or body at fault and its size.
    public func checkEncodable(
        frameMax: Int = 131_072, messageLimit: Int = AMQPConnection.Configuration.defaultMessageLimit
    ) throws(AMQPError) {
        guard body.count <= messageLimit else {
            throw AMQPError(
                .invalidMessage, "the body is \(body.count) bytes; this connection sends at most \(messageLimit)")
        }
        try Self.checkShort(exchange, "exchange")
        try Self.checkShort(routingKey, "routing key")
        // Each property checked in turn, without gathering them in an array first: this runs
        // for every message published.
        var headerSize = 14  // class, weight, body size, property flags
        headerSize += try Self.propertySize(properties.contentType, "content_type")
        headerSize += try Self.propertySize(properties.contentEncoding, "content_encoding")
        headerSize += try Self.propertySize(properties.correlationID, "correlation_id")
        headerSize += try Self.propertySize(properties.replyTo, "reply_to")
        headerSize += try Self.propertySize(properties.expiration, "expiration")
        headerSize += try Self.propertySize(properties.messageID, "message_id")
        headerSize += try Self.propertySize(properties.type, "type")
        headerSize += try Self.propertySize(properties.userID, "user_id")
        headerSize += try Self.propertySize(properties.appID, "app_id")
        if let headers = properties.headers {
            headerSize += try Self.encodedSize(of: headers, at: "headers")
        }
        // Frame overhead (7 + 1) and room for the publish-sequence header the loop may add.
        let room = frameMax - 8 - 64
        guard headerSize <= room else {
            throw AMQPError(
                .invalidMessage,
                "the message's properties and headers take \(headerSize) bytes; one frame holds at most \(room)")
        }
    }

    /// The encoded size of a short-string property (its length byte and its bytes; 0 when it
    /// is absent), checked against the limit.
    private static func propertySize(_ value: String?, _ name: String) throws(AMQPError) -> Int {
        guard let value else { return 0 }
        try checkShort(value, name)
        return 1 + value.utf8.count
    }

    private static func checkShort(_ value: String, _ name: String) throws(AMQPError) {
        let size = value.utf8.count
        guard size <= shortStringLimit else {
            throw AMQPError(.invalidMessage, "\(name) is \(size) bytes; an AMQP short string holds at most \(shortStringLimit)")
        }
    }

    /// The encoded size of a field table, checking its keys on the way. The path is only made
    /// for an error: a message that passes costs no string.
    private static func encodedSize(of table: AMQPTable, at path: @autoclosure () -> String) throws(AMQPError) -> Int {
        var size = 4
        for (key, value) in table {
            let keySize = key.utf8.count
            guard keySize <= fieldNameLimit else {
                throw AMQPError(.invalidMessage, "a key in \(path()) is \(keySize) bytes; AMQP field names hold at most \(fieldNameLimit)")
            }
            size += 1 + keySize + (try encodedSize(of: value, at: "\(path()).\(key)"))
        }
        return size
    }

    /// RabbitMQ can't decode NaN or infinities: it would close the channel with 541.
    private static func nonFinite(_ path: String, _ value: Double) -> AMQPError {
        AMQPError(.invalidMessage, "\(path) is \(value); AMQP brokers refuse NaN and infinite numbers")
    }

    /// The encoded size of one field value: its type byte and its payload.
    private static func encodedSize(of value: AMQPFieldValue, at path: @autoclosure () -> String) throws(AMQPError) -> Int {
        switch value {
        case .bool, .int8, .uint8: return 2
        case .int16, .uint16: return 3
        case .float(let value) where !value.isFinite:
            throw nonFinite(path(), Double(value))
        case .double(let value) where !value.isFinite:
            throw nonFinite(path(), value)
        case .int32, .uint32, .float: return 5
        case .int64, .uint64, .double, .timestamp: return 9
        case .decimal: return 6
        case .string(let text): return 5 + text.utf8.count
        case .bytes(let bytes): return 5 + bytes.count
        case .void: return 1
        case .table(let table): return 1 + (try encodedSize(of: table, at: path()))
        case .array(let values):
            var size = 5
            for value in values { size += try encodedSize(of: value, at: path()) }
            return size
        }
    }
}
