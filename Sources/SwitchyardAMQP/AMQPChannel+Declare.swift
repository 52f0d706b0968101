// Exchanges, queues and bindings: declare (also passively), bind, unbind, purge, delete.

internal import CSwitchyardAMQP

extension AMQPChannel {
    /// Declares an exchange (a no-op when it exists with the same settings).
    /// - Parameters:
    ///   - name: The exchange name.
    ///   - type: `direct`, `topic`, `fanout`, `headers`, or a plugin's type.
    ///   - durable: Survives a broker restart.
    ///   - autoDelete: Deleted when its last binding goes.
    ///   - internal: Only other exchanges may publish to it.
    ///   - arguments: Exchange arguments (e.g. `alternate-exchange`).
    /// - Throws: ``AMQPError`` `channelClosed` with 406 when it exists with other settings.
    public func declareExchange(
        _ name: String, type: String, durable: Bool = true, autoDelete: Bool = false, internal: Bool = false,
        arguments: AMQPTable = [:]
    ) async throws {
        let number = number
        try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "declaring exchange '\(name)'", { connection in
                amqp_exchange_declare(
                    connection, number, loop.scratch.bytes(name), loop.scratch.bytes(type), 0, durable ? 1 : 0,
                    autoDelete ? 1 : 0, `internal` ? 1 : 0, loop.scratch.table(arguments))
            }) { _ in }
        }
    }

    /// Checks that an exchange exists, without creating it.
    /// - Throws: ``AMQPError`` `channelClosed` with 404 NOT_FOUND when it does not.
    public func declareExchangePassive(_ name: String) async throws {
        let number = number
        try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "checking exchange '\(name)'", { connection in
                amqp_exchange_declare(
                    connection, number, loop.scratch.bytes(name), loop.scratch.bytes(""), 1, 0, 0, 0, amqp_empty_table)
            }) { _ in }
        }
    }

    /// Deletes an exchange.
    /// - Parameters:
    ///   - name: The exchange.
    ///   - ifUnused: Only when it has no bindings.
    public func deleteExchange(_ name: String, ifUnused: Bool = false) async throws {
        let number = number
        try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "deleting exchange '\(name)'", { connection in
                amqp_exchange_delete(connection, number, loop.scratch.bytes(name), ifUnused ? 1 : 0)
            }) { _ in }
        }
    }

    /// Declares a queue (a no-op when it exists with the same settings).
    /// - Parameters:
    ///   - name: The queue name; empty lets the broker choose one.
    ///   - durable: Survives a broker restart.
    ///   - exclusive: Only this connection may use it; deleted when it closes.
    ///   - autoDelete: Deleted when its last consumer goes.
    ///   - arguments: Queue arguments (`x-queue-type`, `x-delivery-limit`, ...).
    /// - Returns: The queue's name and counts.
    /// - Throws: ``AMQPError`` `channelClosed` with 406 PRECONDITION_FAILED naming the queue and
    ///   the argument when it exists with other settings.
    @discardableResult
    public func declareQueue(
        _ name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
        arguments: AMQPTable = [:]
    ) async throws -> AMQPQueueStatus {
        try await queueDeclare(name, passive: false, durable: durable, exclusive: exclusive, autoDelete: autoDelete,
                               arguments: arguments)
    }

    /// Reports a queue's message and consumer counts without creating it.
    /// - Throws: ``AMQPError`` `channelClosed` with 404 NOT_FOUND when it does not exist.
    public func declareQueuePassive(_ name: String) async throws -> AMQPQueueStatus {
        try await queueDeclare(name, passive: true, durable: false, exclusive: false, autoDelete: false, arguments: [:])
    }

    private func queueDeclare(
        _ name: String, passive: Bool, durable: Bool, exclusive: Bool, autoDelete: Bool, arguments: AMQPTable
    ) async throws -> AMQPQueueStatus {
        let number = number
        return try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "\(passive ? "checking" : "declaring") queue '\(name)'", { connection in
                amqp_queue_declare(
                    connection, number, loop.scratch.bytes(name), passive ? 1 : 0, durable ? 1 : 0, exclusive ? 1 : 0,
                    autoDelete ? 1 : 0, loop.scratch.table(arguments))
            }) { ok in
                AMQPQueueStatus(name: String(copying: ok.queue), messageCount: ok.message_count,
                                consumerCount: ok.consumer_count)
            }
        }
    }

    /// Deletes a queue.
    /// - Parameters:
    ///   - name: The queue.
    ///   - ifUnused: Only when it has no consumers.
    ///   - ifEmpty: Only when it holds no messages.
    /// - Returns: How many messages were deleted with it.
    @discardableResult
    public func deleteQueue(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws -> UInt32 {
        let number = number
        return try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "deleting queue '\(name)'", { connection in
                amqp_queue_delete(connection, number, loop.scratch.bytes(name), ifUnused ? 1 : 0, ifEmpty ? 1 : 0)
            }) { ok in ok.message_count }
        }
    }

    /// Removes every ready message from a queue.
    /// - Returns: How many messages were removed.
    @discardableResult
    public func purgeQueue(_ name: String) async throws -> UInt32 {
        let number = number
        return try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "purging queue '\(name)'", { connection in
                amqp_queue_purge(connection, number, loop.scratch.bytes(name))
            }) { ok in ok.message_count }
        }
    }

    /// Binds a queue to an exchange (a no-op when the binding exists).
    /// - Parameters:
    ///   - queue: The queue.
    ///   - exchange: The exchange.
    ///   - routingKey: The binding key (a pattern for topic exchanges).
    ///   - arguments: Binding arguments (headers exchanges match on these).
    public func bindQueue(_ queue: String, exchange: String, routingKey: String, arguments: AMQPTable = [:]) async throws {
        let number = number
        try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "binding queue '\(queue)' to exchange '\(exchange)' with key '\(routingKey)'", {
                connection in
                amqp_queue_bind(
                    connection, number, loop.scratch.bytes(queue), loop.scratch.bytes(exchange),
                    loop.scratch.bytes(routingKey), loop.scratch.table(arguments))
            }) { _ in }
        }
    }

    /// Removes a binding.
    public func unbindQueue(_ queue: String, exchange: String, routingKey: String, arguments: AMQPTable = [:]) async throws {
        let number = number
        try await loop.call { loop throws(AMQPError) in
            try loop.rpc(on: number, "unbinding queue '\(queue)' from exchange '\(exchange)'", { connection in
                amqp_queue_unbind(
                    connection, number, loop.scratch.bytes(queue), loop.scratch.bytes(exchange),
                    loop.scratch.bytes(routingKey), loop.scratch.table(arguments))
            }) { _ in }
        }
    }
}
