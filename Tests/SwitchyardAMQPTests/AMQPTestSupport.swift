import SwitchyardAMQP
import SwitchyardTestSupport

/// Connects to the test broker, saying how to start it when it is not running.
func connectToTestBroker(
    name: String = "switchyard-tests", messageLimit: Int = AMQPConnection.Configuration.defaultMessageLimit,
    confirmTimeout: Duration? = nil
) async throws -> AMQPConnection {
    do {
        var configuration = try AMQPConnection.Configuration(url: TestEnvironment.amqpURL, connectionName: name)
        configuration.messageLimit = messageLimit
        configuration.confirmTimeout = confirmTimeout
        return try await AMQPConnection.connect(configuration)
    } catch let error as AMQPError where error.code == .connectionFailed {
        throw AMQPError(.connectionFailed, "\(error.message); \(TestEnvironment.startHint)")
    }
}

/// A direct exchange and a queue bound to it with the routing key `routed` (any other key
/// matches no queue).
func makeRoutedQueue(_ channel: AMQPChannel) async throws -> (exchange: String, queue: String) {
    let exchange = TestEnvironment.uniqueName("test.amqp.direct")
    try await channel.declareExchange(exchange, type: "direct", durable: false, autoDelete: false)
    let queue = try await makeQueue(channel)
    try await channel.bindQueue(queue, exchange: exchange, routingKey: "routed")
    return (exchange, queue)
}

/// A durable queue with a unique name, deleted again by the caller.
func makeQueue(_ channel: AMQPChannel, type: String = "classic", arguments: AMQPTable = [:]) async throws -> String {
    let name = TestEnvironment.uniqueName("test.amqp")
    var arguments = arguments
    arguments["x-queue-type"] = .string(type)
    try await channel.declareQueue(name, arguments: arguments)
    return name
}
