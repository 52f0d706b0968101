// `topology apply`: declares every exchange, queue and binding of the topology.

public import SwitchyardAMQP

extension BrokerDefinitions {
    /// Declares every object on the broker: exchanges, then queues, then bindings. Declaring
    /// what exists with the same settings changes nothing, so applying twice is a no-op.
    /// - Parameter connection: An open connection to the broker.
    /// - Throws: ``TopologyError`` with the broker's reason, e.g. a queue that exists with
    ///   other arguments (the broker names the argument; `topology verify` lists them all).
    public func apply(on connection: AMQPConnection) async throws {
        let channel = try await connection.openChannel()
        do {
            for exchange in exchanges {
                try await channel.declareExchange(
                    exchange.name, type: exchange.type, durable: exchange.durable, autoDelete: exchange.autoDelete,
                    internal: exchange.internal, arguments: exchange.arguments.amqpTable)
            }
            for queue in queues {
                try await channel.declareQueue(
                    queue.name, durable: queue.durable, autoDelete: queue.autoDelete,
                    arguments: queue.arguments.amqpTable)
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
