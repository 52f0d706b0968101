// A comma-separated list of node URLs: parsed as one cluster, and a connection goes to a node
// that answers.

import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

@Suite struct ClusterNodesTests {
    @Test func aListOfNodeURLsIsOneConfigurationWithEveryNode() throws {
        let configuration = try AMQPConnection.Configuration(
            url: "amqp://app:pw@rabbit-1:5672/prod?heartbeat=10, amqp://app:pw@rabbit-2:5673/prod?heartbeat=10,amqp://app:pw@rabbit-3/prod?heartbeat=10")
        #expect(configuration.nodes.map(\.description) == ["rabbit-1:5672", "rabbit-2:5673", "rabbit-3:5672"])
        #expect(configuration.user == "app" && configuration.virtualHost == "prod" && configuration.heartbeat == 10)
        #expect(try AMQPConnection.Configuration(url: "amqp://h/").nodes.count == 1)
    }

    @Test func nodesThatDisagreeOnAnythingButTheAddressAreRefusedWithoutThePassword() {
        for url in [
            "amqp://app:s3cret@rabbit-1/prod,amqp://app:other@rabbit-2/prod",
            "amqp://app:s3cret@rabbit-1/prod,amqp://app:s3cret@rabbit-2/test",
            "amqp://app:s3cret@rabbit-1/prod,amqp://app:s3cret@rabbit-2/prod?heartbeat=5",
            "amqp://app:s3cret@rabbit-1/prod,",
        ] {
            #expect {
                try AMQPConnection.Configuration(url: url)
            } throws: { error in
                let text = "\(error)"
                return (error as? AMQPError)?.code == .invalidConfiguration && !text.contains("s3cret")
            }
        }
    }

    @Test func aConnectionSkipsANodeThatDoesNotAnswer() async throws {
        var configuration = try AMQPConnection.Configuration(url: TestEnvironment.amqpURL)
        configuration.otherNodes = [.init(host: "127.0.0.1", port: 1)]
        // The nodes are tried in random order: several connections meet the dead node first.
        for _ in 0..<6 {
            let connection = try await AMQPConnection.connect(configuration)
            let channel = try await connection.openChannel(confirms: true)
            try await channel.publish([1], exchange: "", routingKey: "no-such-queue-\(TestEnvironment.uniqueName("node"))")
            await connection.close()
        }
        var dead = configuration
        dead.port = 2
        do {
            _ = try await AMQPConnection.connect(dead)
            Issue.record("connected with no node answering")
        } catch let error as AMQPError {
            #expect(error.code == .connectionFailed, "\(error)")
        }
    }
}
