import SwitchyardAMQP
import Testing

@Suite struct AMQPConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try AMQPConnection.Configuration(
            url: "amqp://bob:p%40ss@broker.internal:5681/prod%2Feu?heartbeat=10&connection_timeout=2500&rpc_timeout=1500")
        #expect(configuration.host == "broker.internal")
        #expect(configuration.port == 5681)
        #expect(configuration.user == "bob")
        #expect(configuration.password == "p@ss")
        #expect(configuration.virtualHost == "prod/eu")
        #expect(configuration.heartbeat == 10)
        #expect(configuration.connectTimeout == 2.5)
        #expect(configuration.rpcTimeout == .milliseconds(1500))
        #expect(try AMQPConnection.Configuration(url: "amqp://localhost?rpc_timeout=0").rpcTimeout == nil)
    }

    @Test func defaultsFollowRabbitMQsURISpec() throws {
        let bare = try AMQPConnection.Configuration(url: "amqp://localhost")
        #expect(bare.port == 5672)
        #expect(bare.user == "guest")
        #expect(bare.virtualHost == "/")
        #expect(bare.rpcTimeout == .seconds(30))
        #expect(try AMQPConnection.Configuration(url: "amqp://localhost/%2F").virtualHost == "/")
        #expect(try AMQPConnection.Configuration(url: "amqp://localhost/").virtualHost == "")
    }

    @Test(arguments: [
        ("http://localhost", "scheme"),
        ("amqp://", "no host"),
        ("amqp://localhost:99999", "out of range"),
        ("amqp://localhost/a/b", "one path segment"),
        ("amqp://localhost?heartbeat=soon", "heartbeat"),
        ("amqp://localhost?rpc_timeout=-1", "rpc_timeout must be a whole number of milliseconds"),
        ("amqp://localhost?colour=blue", "colour"),
    ])
    func rejectsABadURLNamingTheProblem(url: String, expected: String) {
        do {
            _ = try AMQPConnection.Configuration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func redactsThePassword() {
        #expect(AMQPConnection.Configuration.redacted("amqp://u:secret@h/v") == "amqp://u:***@h/v")
    }
}
