import Foundation
import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

/// Connects to the test broker, saying how to start it when it is not running.
func connectToTestBroker(
    name: String = "switchyard-tests", messageLimit: Int = AMQPConnection.Configuration.defaultMessageLimit,
    confirmTimeout: Duration? = nil, blockedConfirmWait: Duration? = nil,
    rpcTimeout: Duration? = AMQPConnection.Configuration.defaultRPCTimeout
) async throws -> AMQPConnection {
    do {
        var configuration = try AMQPConnection.Configuration(url: TestEnvironment.amqpURL, connectionName: name)
        configuration.messageLimit = messageLimit
        configuration.confirmTimeout = confirmTimeout
        configuration.blockedConfirmWait = blockedConfirmWait
        configuration.rpcTimeout = rpcTimeout
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

/// Publishes 48 messages of 1 MiB to `queue` without waiting for them: far more than the
/// sockets' buffers hold, so under a memory alarm the connection's loop stays inside their write.
/// - Returns: The batch's outcomes, once every one is known.
func floodWithLargeMessages(_ channel: AMQPChannel, queue: String) -> AsyncStream<[Result<Void, AMQPError>]> {
    let messages = (0..<48).map { _ in
        AMQPOutgoingMessage(exchange: "", routingKey: queue, body: [UInt8](repeating: 7, count: 1 << 20))
    }
    let (outcomes, delivered) = AsyncStream<[Result<Void, AMQPError>]>.makeStream()
    channel.publish(messages) { delivered.yield($0); delivered.finish() }
    return outcomes
}

/// Waits, 30 s at most, until the broker lists the connection named `name` as blocked (a
/// memory alarm blocks a connection once it publishes).
func waitUntilBrokerBlocks(connectionNamed name: String) async throws {
    let deadline = Date().addingTimeInterval(30)
    while !(try ServicesControl.script("services", ["rabbitmqctl", "list_connections", "client_properties", "state"])
        .split(separator: "\n").contains { $0.contains(name) && $0.hasSuffix("blocked") }) {
        try #require(Date() < deadline, "the broker did not block the publisher")
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Publishes `body` to `queue` and times it.
/// - Returns: The ``AMQPError`` it failed with (nil once confirmed) and how long it took.
func timedPublish(_ channel: AMQPChannel, _ body: String, to queue: String) async throws -> (AMQPError?, Duration) {
    let started = ContinuousClock.now
    do {
        try await channel.publish(Array(body.utf8), exchange: "", routingKey: queue)
        return (nil, ContinuousClock.now - started)
    } catch let error as AMQPError {
        return (error, ContinuousClock.now - started)
    }
}
