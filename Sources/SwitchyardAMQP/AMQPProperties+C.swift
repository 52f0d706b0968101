// Conversion of AMQPProperties to and from rabbitmq-c's amqp_basic_properties_t.

internal import CSwitchyardAMQP

extension AMQPProperties {
    /// Copies decoded C properties (frame-pool memory) into Swift.
    init(copying c: amqp_basic_properties_t) {
        self.init()
        let flags = c._flags
        func has(_ flag: Int32) -> Bool { flags & amqp_flags_t(flag) != 0 }
        if has(AMQP_BASIC_CONTENT_TYPE_FLAG) { contentType = String(copying: c.content_type) }
        if has(AMQP_BASIC_CONTENT_ENCODING_FLAG) { contentEncoding = String(copying: c.content_encoding) }
        if has(AMQP_BASIC_HEADERS_FLAG) { headers = AMQPTable(copying: c.headers) }
        if has(AMQP_BASIC_DELIVERY_MODE_FLAG) { deliveryMode = c.delivery_mode }
        if has(AMQP_BASIC_PRIORITY_FLAG) { priority = c.priority }
        if has(AMQP_BASIC_CORRELATION_ID_FLAG) { correlationID = String(copying: c.correlation_id) }
        if has(AMQP_BASIC_REPLY_TO_FLAG) { replyTo = String(copying: c.reply_to) }
        if has(AMQP_BASIC_EXPIRATION_FLAG) { expiration = String(copying: c.expiration) }
        if has(AMQP_BASIC_MESSAGE_ID_FLAG) { messageID = String(copying: c.message_id) }
        if has(AMQP_BASIC_TIMESTAMP_FLAG) { timestamp = c.timestamp }
        if has(AMQP_BASIC_TYPE_FLAG) { type = String(copying: c.type) }
        if has(AMQP_BASIC_USER_ID_FLAG) { userID = String(copying: c.user_id) }
        if has(AMQP_BASIC_APP_ID_FLAG) { appID = String(copying: c.app_id) }
    }

    /// Lays the properties out in the scratch pool, adding `extraHeader` to the headers.
    func c(in pool: ScratchPool, extraHeader: (key: String, value: AMQPFieldValue)? = nil) -> amqp_basic_properties_t {
        var c = amqp_basic_properties_t()
        var flags: Int32 = 0
        func set(_ flag: Int32) { flags |= flag }
        if let contentType { c.content_type = pool.bytes(contentType); set(AMQP_BASIC_CONTENT_TYPE_FLAG) }
        if let contentEncoding {
            c.content_encoding = pool.bytes(contentEncoding)
            set(AMQP_BASIC_CONTENT_ENCODING_FLAG)
        }
        if headers != nil || extraHeader != nil {
            c.headers = pool.table(headers ?? [:], adding: extraHeader)
            set(AMQP_BASIC_HEADERS_FLAG)
        }
        if let deliveryMode { c.delivery_mode = deliveryMode; set(AMQP_BASIC_DELIVERY_MODE_FLAG) }
        if let priority { c.priority = priority; set(AMQP_BASIC_PRIORITY_FLAG) }
        if let correlationID { c.correlation_id = pool.bytes(correlationID); set(AMQP_BASIC_CORRELATION_ID_FLAG) }
        if let replyTo { c.reply_to = pool.bytes(replyTo); set(AMQP_BASIC_REPLY_TO_FLAG) }
        if let expiration { c.expiration = pool.bytes(expiration); set(AMQP_BASIC_EXPIRATION_FLAG) }
        if let messageID { c.message_id = pool.bytes(messageID); set(AMQP_BASIC_MESSAGE_ID_FLAG) }
        if let timestamp { c.timestamp = timestamp; set(AMQP_BASIC_TIMESTAMP_FLAG) }
        if let type { c.type = pool.bytes(type); set(AMQP_BASIC_TYPE_FLAG) }
        if let userID { c.user_id = pool.bytes(userID); set(AMQP_BASIC_USER_ID_FLAG) }
        if let appID { c.app_id = pool.bytes(appID); set(AMQP_BASIC_APP_ID_FLAG) }
        c._flags = amqp_flags_t(flags)
        return c
    }
}
