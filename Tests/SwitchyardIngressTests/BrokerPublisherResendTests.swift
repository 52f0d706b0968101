import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardIngress
import SwitchyardTestSupport
import Testing

/// The ingress's publisher sends again, on a new connection and with the same message ids,
/// what a dropped connection left unconfirmed: every publish is confirmed in the end.
@Suite(.serialized, .timeLimit(.minutes(2))) struct BrokerPublisherResendTests {
    @Test func publishesInFlightWhenTheConnectionIsClosedAreSentAgainAndConfirmed() async throws {
        let vhost = try await TestVirtualHost.create()
        let queue = "resend-test"
        let setup = try await AMQPConnection.connect(url: vhost.amqpURL)
        let channel = try await setup.openChannel()
        try await channel.declareQueue(queue, arguments: ["x-queue-type": "quorum"])
        // 20,000 publishes laid out at once: their confirms may take longer than the ingress's timeout.
        let publisher = BrokerPublisher(configuration: try AMQPConnection.Configuration(url: vhost.amqpURL), confirmTimeout: .seconds(120))
        #expect(await publisher.publishEach([Self.message(queue, "warm-up")]).allSatisfy { (try? $0.get()) != nil })
        var first: [String] = []
        try await eventually("the publisher's connection to be listed", timeout: .seconds(30)) {
            first = try await Self.publisherConnections(vhost)
            return !first.isEmpty
        }

        let count = 20_000
        let messages = (0..<count).map { Self.message(queue, "m-\($0)") }
        async let outcomes = publisher.publishEach(messages)
        // Close the publisher's connection while its publishes are in flight.
        try await eventually("the first publishes to arrive", timeout: .seconds(30)) {
            try await channel.declareQueuePassive(queue).messageCount > 1
        }
        for name in first {
            try await vhost.management.request(.delete, "/api/connections/\(RabbitMQManagement.encode(name))")
        }
        let results = await outcomes
        let failures = results.compactMap { result -> AMQPError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        #expect(failures.isEmpty, "every publish confirmed: \(failures.prefix(3))")
        // A close after the last confirm would leave the publisher without a connection: a new one
        // shows that it reconnected to send what was in flight.
        try await eventually("the publisher's new connection to be listed", timeout: .seconds(30)) {
            let now = try await Self.publisherConnections(vhost)
            return !now.isEmpty && Set(now).isDisjoint(with: first)
        }

        var seen = Set<String>()
        let consumer = try await channel.consume(queue: queue, prefetch: 1000)
        for try await delivery in consumer {
            if let id = delivery.properties.messageID { seen.insert(id) }
            try channel.ack(delivery.deliveryTag)
            if seen.count == count + 1 { break }
        }
        #expect(seen.count == count + 1, "every message id arrived (copies allowed, inboxes absorb them)")
        await publisher.close()
        await setup.close()
        await vhost.delete()
    }

    static func message(_ queue: String, _ id: String) -> AMQPOutgoingMessage {
        AMQPOutgoingMessage(
            exchange: "", routingKey: queue, body: Array(id.utf8),
            properties: AMQPProperties(deliveryMode: 2, messageID: id), mandatory: true)
    }

    /// The names of the publisher's connections open on the vhost (it names them "switchyard ingress").
    static func publisherConnections(_ vhost: TestVirtualHost) async throws -> [String] {
        let response = try await vhost.management.request(.get, "/api/vhosts/\(RabbitMQManagement.encode(vhost.name))/connections")
        guard case .array(let items) = try JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else { return [] }
        return items.compactMap { item in
            item["client_properties"]?["connection_name"]?.string == "switchyard ingress" ? item["name"]?.string : nil
        }
    }
}
