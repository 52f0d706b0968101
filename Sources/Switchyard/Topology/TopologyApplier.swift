// `topology apply`: declares every exchange, queue and binding of the topology.

public import SwitchyardAMQP

extension BrokerDefinitions {
    /// Declares every object on the broker: exchanges, then queues, then bindings. Declaring
    /// what exists with the same settings changes nothing, so applying twice is a no-op.
    /// - Parameter connection: An open connection to the broker.
    /// - Throws: ``TopologyError`` with the broker's reason, e.g. a queue that exists with
    ///   other arguments (the broker names the argument; `topology verify` lists them all).
    public func apply(on connection: AMQPConnection) async throws {
        var channel = try await connection.openChannel()
        do {
            for exchange in exchanges {
                try await channel.declareExchange(
                    exchange.name, type: exchange.type, durable: exchange.durable, autoDelete: exchange.autoDelete,
                    internal: exchange.internal, arguments: exchange.arguments.amqpTable)
            }
            for queue in queues {
                try await declare(queue, on: &channel, connection: connection)
            }
            for binding in bindings {
                try await channel.bindQueue(
                    binding.destination, exchange: binding.source, routingKey: binding.routingKey,
                    arguments: binding.arguments.amqpTable)
            }
            await channel.close()
        } catch let error as AMQPError where error.replyCode == 406 {
            await channel.close()
            throw TopologyError(
                "\(error.message). A queue's arguments can't change in place: drain it, delete it and apply again "
                    + "(`switchyard topology verify` lists every difference)")
        } catch {
            await channel.close()
            throw error
        }
    }
}

extension BrokerDefinitions {
    /// The argument that only matters when a quorum queue is created: how many replicas it
    /// starts with. A queue that exists without it (declared before the topology had it) keeps
    /// its membership; `switchyard queues` shows it.
    static let initialGroupSizeArgument = "x-quorum-initial-group-size"

    /// Declares one queue. If the broker refuses only because the queue exists without
    /// ``initialGroupSizeArgument``, declares it again without that argument on a new channel
    /// (a refused declare closes the channel).
    private func declare(_ queue: Queue, on channel: inout AMQPChannel, connection: AMQPConnection) async throws {
        do {
            try await channel.declareQueue(
                queue.name, durable: queue.durable, autoDelete: queue.autoDelete, arguments: queue.arguments.amqpTable)
        } catch let error as AMQPError
            where error.replyCode == 406 && error.message.contains("'\(Self.initialGroupSizeArgument)'")
            && error.message.contains("current is none")
        {
            await channel.close()
            channel = try await connection.openChannel()
            var arguments = queue.arguments
            arguments[Self.initialGroupSizeArgument] = nil
            try await channel.declareQueue(
                queue.name, durable: queue.durable, autoDelete: queue.autoDelete, arguments: arguments.amqpTable)
        }
    }
}
