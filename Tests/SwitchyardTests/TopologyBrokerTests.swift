import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.timeLimit(.minutes(2))) struct TopologyBrokerTests {
    static let file = TestEnvironment.repositoryRoot.appending(path: "topology/switchyard.yaml").path

    @Test func applyTwiceChangesNothingAndVerifyPassesThenReportsARecreatedQueue() async throws {
        let vhost = try await TestVirtualHost.create()
        let topology = try Topology.load(path: Self.file, virtualHost: vhost.name)
        let connection = try await AMQPConnection.connect(url: vhost.amqpURL)

        try await topology.definitions.apply(on: connection)
        let afterFirst = try await vhost.management.definitions(virtualHost: vhost.name)
        #expect(topology.definitions.differences(from: afterFirst).isEmpty)

        // A message waiting in a work queue survives a second apply, which adds nothing.
        let channel = try await connection.openChannel(confirms: true)
        try await channel.publish([1], exchange: "sy.events", routingKey: "probe.run", mandatory: true)
        try await topology.definitions.apply(on: connection)
        let afterSecond = try await vhost.management.definitions(virtualHost: vhost.name)
        #expect(afterSecond.queues.count == afterFirst.queues.count)
        #expect(afterSecond.bindings.count == afterFirst.bindings.count)
        #expect(afterSecond.exchanges.count == afterFirst.exchanges.count)
        #expect(try await channel.declareQueuePassive("sy.work.probe").messageCount == 1)

        // Re-create a queue with other arguments (which drops its bindings) and remove a binding
        // of another queue: verify names each difference.
        try await channel.deleteQueue("sy.work.probe")
        try await channel.declareQueue("sy.work.probe", arguments: [
            "x-queue-type": "quorum", "x-delivery-limit": 7, "x-dead-letter-exchange": "sy.dead",
            "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish",
            "x-dead-letter-routing-key": "sy.work.probe",
        ])
        try await channel.unbindQueue("sy.work.analysis", exchange: "sy.events", routingKey: "conversation.ended")
        // A binding left behind into a topology queue is drift; one into a queue of the
        // operator's own is not the topology's business.
        try await channel.bindQueue("sy.work.planning", exchange: "sy.events", routingKey: "conversation.#")
        try await channel.declareQueue("audit.events", arguments: ["x-queue-type": "quorum"])
        try await channel.bindQueue("audit.events", exchange: "sy.events", routingKey: "#")
        let drifted = try await vhost.management.definitions(virtualHost: vhost.name)
        #expect(topology.definitions.differences(from: drifted) == [
            "queue sy.work.probe: argument x-delivery-limit is 7, expected 5",
            "missing binding sy.events -> sy.work.analysis (routing key 'conversation.ended')",
            "missing binding sy.events -> sy.work.probe (routing key 'probe.#')",
            "missing binding sy.requeue -> sy.work.probe (routing key 'sy.work.probe')",
            "unexpected binding sy.events -> sy.work.planning (routing key 'conversation.#'): not in the topology; `topology apply` leaves it, unbind it by hand",
        ])

        // Applying over a queue with other arguments fails, naming the queue and the argument.
        do {
            try await topology.definitions.apply(on: connection)
            Issue.record("apply accepted a queue with other arguments")
        } catch let error as TopologyError {
            #expect(error.message.contains("sy.work.probe"))
            #expect(error.message.contains("x-delivery-limit"))
        }
        await connection.close()
        await vhost.delete()
    }

    /// A queue declared before the topology had `x-quorum-initial-group-size` keeps its
    /// membership: apply declares it again without the argument, verify does not report it.
    @Test func aQueueDeclaredWithoutTheInitialGroupSizeIsAcceptedAsItIs() async throws {
        let vhost = try await TestVirtualHost.create()
        let topology = try Topology.load(path: Self.file, virtualHost: vhost.name)
        let probe = try #require(topology.definitions.queues.first { $0.name == "sy.work.probe" })
        #expect(probe.arguments["x-quorum-initial-group-size"] == .int(3), "the topology asks for three replicas")
        var older = probe.arguments
        older["x-quorum-initial-group-size"] = nil
        let connection = try await AMQPConnection.connect(url: vhost.amqpURL)
        let channel = try await connection.openChannel()
        try await channel.declareQueue(probe.name, arguments: older.amqpTable)

        try await topology.definitions.apply(on: connection)
        let applied = try await vhost.management.definitions(virtualHost: vhost.name)
        #expect(applied.queues.first { $0.name == probe.name }?.arguments["x-quorum-initial-group-size"] == nil)
        #expect(applied.queues.first { $0.name == "sy.work.build" }?.arguments["x-quorum-initial-group-size"] != nil,
                "new queues get it")
        #expect(topology.definitions.differences(from: applied).isEmpty)
        await connection.close()
        await vhost.delete()
    }

    /// A management node that can't be reached is skipped for the next one of the list.
    @Test func theManagementClientGoesOnToTheNextNode() async throws {
        let http = HTTPClient()
        let unreachable = URL(string: "http://guest:guest@127.0.0.1:\(try freeLoopbackPort())")!
        let management = RabbitMQManagement(baseURLs: [unreachable, URL(string: TestEnvironment.managementURL)!], http: http)
        let overview = try await management.request(.get, "/api/overview")
        #expect(overview.status == 200)
        let alone = RabbitMQManagement(baseURL: unreachable, http: http)
        await #expect(throws: TopologyError.self) { try await alone.request(.get, "/api/overview") }
        await http.shutdown()
    }

    @Test func theCommandLineAppliesVerifiesAndReportsDrift() async throws {
        let vhost = try await TestVirtualHost.create()
        let before = try SwitchyardProcess.run(["topology", "verify"], environment: vhost.environment)
        #expect(before.status == 1)
        #expect(before.standardOutput.contains("missing queue sy.work.analysis"))

        let apply = try SwitchyardProcess.run(["topology", "apply"], environment: vhost.environment)
        #expect(apply.status == 0, "\(apply.standardError)")
        let again = try SwitchyardProcess.run(["topology", "apply"], environment: vhost.environment)
        #expect(again.status == 0)
        let verify = try SwitchyardProcess.run(["topology", "verify"], environment: vhost.environment)
        #expect(verify.status == 0, "\(verify.standardOutput)")

        let connection = try await AMQPConnection.connect(url: vhost.amqpURL)
        let channel = try await connection.openChannel()
        try await channel.deleteQueue("sy.dlq.build")
        try await channel.declareQueue("sy.dlq.build", arguments: ["x-queue-type": "classic"])
        await connection.close()
        let drift = try SwitchyardProcess.run(["topology", "verify"], environment: vhost.environment)
        #expect(drift.status == 1)
        #expect(drift.standardOutput.split(separator: "\n") == [
            "queue sy.dlq.build: type is classic, expected quorum",
            "missing binding sy.dead -> sy.dlq.build (routing key 'sy.work.build.high')",
            "missing binding sy.dead -> sy.dlq.build (routing key 'sy.work.build')",
        ])
        await vhost.delete()
    }

    @Test func exportPrintsDefinitionsTheBrokerCanImport() throws {
        let export = try SwitchyardProcess.run(["topology", "export"])
        #expect(export.status == 0)
        let definitions = try JSONDecoder().decode(BrokerDefinitions.self, from: Data(export.standardOutput.utf8))
        let topology = try Topology.load(path: Self.file)
        #expect(definitions == topology.definitions)
    }

    @Test(arguments: [
        (["SWITCHYARD_AMQP_URL": "http://localhost"], "SWITCHYARD_AMQP_URL"),
        (["SWITCHYARD_AMQP_URL": ""], "SWITCHYARD_AMQP_URL: set but empty"),
        (["SWITCHYARD_RABBITMQ_MANAGEMENT_URL": "ftp://x"], "SWITCHYARD_RABBITMQ_MANAGEMENT_URL"),
        (["SWITCHYARD_RABBITMQ_MANAGEMENT_URL": "http://guest:guest@127.0.0.1:156800"], "SWITCHYARD_RABBITMQ_MANAGEMENT_URL: expected http(s)"),
        (["SWITCHYARD_TOPOLOGY_FILE": "/nonexistent.yaml"], "SWITCHYARD_TOPOLOGY_FILE: cannot read the topology file /nonexistent.yaml: no such file"),
    ])
    func badConfigurationExitsTwoWithOneLineNamingIt(environment: [String: String], expected: String) throws {
        let outcome = try SwitchyardProcess.run(["topology", "apply"], environment: environment)
        #expect(outcome.status == 2)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(outcome.standardError.contains(expected), "\(outcome.standardError)")
    }

    @Test func theOptionsAreNamedInPlaceOfTheVariablesTheyReplace() throws {
        let url = try SwitchyardProcess.run(["topology", "apply", "--amqp-url", "http://localhost"])
        #expect(url.status == 2)
        #expect(url.standardError.hasPrefix("switchyard: error: --amqp-url: invalid AMQP URL 'http://localhost'"), "\(url.standardError)")
        let file = try SwitchyardProcess.run(["topology", "export", "--file", "/nonexistent.yaml"], environment: ["SWITCHYARD_TOPOLOGY_FILE": "x"])
        #expect(file.status == 2)
        #expect(file.standardError == "switchyard: error: --file: cannot read the topology file /nonexistent.yaml: no such file\n")
    }

    @Test func anUnknownFlagExitsTwo() throws {
        let outcome = try SwitchyardProcess.run(["topology", "apply", "--colour", "blue"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("--colour"))
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }

    @Test func anUnreachableBrokerIsAClearRuntimeError() throws {
        let outcome = try SwitchyardProcess.run(
            ["topology", "apply"], environment: ["SWITCHYARD_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/%2F"])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("cannot reach the broker"))
    }
}
