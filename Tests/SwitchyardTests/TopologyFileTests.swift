import Foundation
import Switchyard
import SwitchyardCore
import SwitchyardTestSupport
import Testing

@Suite struct TopologyFileTests {
    static let path = TestEnvironment.repositoryRoot.appending(path: "topology/switchyard.yaml").path

    @Test func theRepositoryTopologyDescribesEveryRoleLaneTierAndDLQ() throws {
        let topology = try Topology.load(path: Self.path)
        #expect(Set(topology.roles.keys) == ["analysis", "planning", "build", "imagegen", "workflow", "automations", "probe"])
        #expect(topology.lanes.map(\.name) == ["high", "normal"])
        #expect(topology.retryTiers.map(\.name) == ["1s", "5s", "30s", "2m", "10m"])

        let queues = Dictionary(uniqueKeysWithValues: topology.definitions.queues.map { ($0.name, $0) })
        for role in topology.roles.values {
            #expect(role.workQueues == ["sy.work.\(role.name).high", "sy.work.\(role.name)"])
            for name in role.workQueues {
                let queue = try #require(queues[name])
                #expect(queue.type == "quorum")
                #expect(queue.durable)
                #expect(queue.arguments["x-dead-letter-exchange"] == .string("sy.dead"))
                #expect(queue.arguments["x-dead-letter-routing-key"] == .string(name))
                #expect(queue.arguments["x-dead-letter-strategy"] == .string("at-least-once"))
                #expect(queue.arguments["x-overflow"] == .string("reject-publish"))
                #expect(queue.arguments["x-delivery-limit"] != nil)
                #expect(topology.definitions.bindings.contains {
                    $0.source == "sy.requeue" && $0.destination == name && $0.routingKey == name
                })
                #expect(topology.definitions.bindings.contains {
                    $0.source == "sy.dead" && $0.destination == role.deadLetterQueue && $0.routingKey == name
                })
            }
            #expect(queues[role.deadLetterQueue]?.type == "quorum")
        }
        #expect(queues["sy.work.probe"]?.arguments["x-delivery-limit"] == .int(5), "a role's override wins")
        #expect(queues["sy.work.build"]?.arguments["x-delivery-limit"] == .int(20))
        #expect(topology.roles["build"]?.maxAttempts == 8)

        let fiveSeconds = try #require(queues["sy.retry.5s"])
        #expect(fiveSeconds.arguments["x-message-ttl"] == .int(5_000))
        #expect(fiveSeconds.arguments["x-dead-letter-exchange"] == .string("sy.requeue"))
        let tierArguments: [String: JSONValue] = ["x-match": "all", "sy-retry-tier": "2m"]
        let tierBinding = topology.definitions.bindings.first { $0.source == "sy.retry" && $0.destination == "sy.retry.2m" }
        #expect(tierBinding?.arguments == tierArguments)
        #expect(topology.definitions.bindings.contains {
            $0.source == "sy.events.high" && $0.destination == "sy.work.analysis.high" && $0.routingKey == "conversation.ended"
        })
    }

    @Test(arguments: [
        ("version: 1\n", "missing key 'exchanges'"),
        // Yams names the node kinds it expected; they are said as YAML calls them.
        ("root:x:0:0:root:/root:/bin/bash\n", "test.yaml: expected a mapping (key: value lines)"),
        (validYAML.replacingOccurrences(of: "tiers: [1s, 5s]", with: "tiers: 1s"), "retry.tiers: expected a list"),
        (validYAML.replacingOccurrences(of: "tiers: [1s, 5s]", with: "tiers: [1s, 5x]"), "retry.tiers[1]: expected a duration"),
        (validYAML.replacingOccurrences(of: "tiers: [1s, 5s]", with: "tiers: [5s, 1s]"), "shortest to longest"),
        (validYAML.replacingOccurrences(of: "version: 1", with: "version: 2"), "version: expected 1, got 2"),
        (validYAML.replacingOccurrences(of: "events: [probe.#]", with: "events: []"), "roles.probe.events: expected at least one"),
        (validYAML.replacingOccurrences(of: "max_attempts: 5", with: "max_attempts: many"), "roles.probe.max_attempts: expected an integer"),
        // A duration whose milliseconds overflow is refused, not a crash.
        (validYAML.replacingOccurrences(of: "max_attempts: 5", with: "max_attempts: 5\n    handler_timeout: 9223372036854775807h"),
         "roles.probe.handler_timeout: expected a duration"),
        (validYAML.replacingOccurrences(of: "tiers: [1s, 5s]", with: "tiers: [1s, 9223372036854775807m]"), "retry.tiers[1]: expected a duration"),
        (validYAML.replacingOccurrences(of: "queue: sy.dlq.{role}", with: "queue: sy.dlq"), "dead_letters.queue"),
    ])
    func aBadFileIsRefusedNamingTheKey(yaml: String, expected: String) {
        do {
            _ = try Topology.parse(yaml, source: "test.yaml")
            Issue.record("accepted a bad topology")
        } catch {
            #expect(error.message.hasPrefix("test.yaml: "))
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func scalarsTakeTheirFieldsTypesAndMergeKeysMerge() throws {
        let plain = try Topology.parse(validYAML, source: "test.yaml").definitions
        let work = try #require(plain.queues.first { $0.name == "sy.work.probe" })
        #expect(work.arguments["x-delivery-limit"] == .int(20) && work.arguments["x-queue-type"] == "quorum")

        let merged = try Topology.parse(validYAML.replacingOccurrences(
            of: "dead_letters:\n  queue: sy.dlq.{role}\n  arguments: {x-queue-type: quorum}",
            with: "dead_letters:\n  queue: sy.dlq.{role}\n  arguments:\n    <<: {x-queue-type: quorum}\n    x-max-length: 7"),
            source: "test.yaml").definitions
        let dlq = try #require(merged.queues.first { $0.name == "sy.dlq.probe" })
        #expect(dlq.arguments["x-queue-type"] == "quorum" && dlq.arguments["x-max-length"] == .int(7), "\(dlq.arguments)")
    }

    @Test func aSyntaxErrorSaysWhere() {
        #expect {
            _ = try Topology.parse("version: 1\nlanes: [\n", source: "test.yaml")
        } throws: { error in
            "\(error)".contains("test.yaml: not valid YAML") && "\(error)".contains("line")
        }
    }

    @Test func differencesNameTheObjectAndTheArgument() throws {
        let expected = try Topology.parse(validYAML, source: "test.yaml").definitions
        #expect(expected.differences(from: expected).isEmpty)

        var actual = expected
        let index = try #require(actual.queues.firstIndex { $0.name == "sy.work.probe" })
        actual.queues[index].arguments["x-delivery-limit"] = .int(7)
        actual.queues[index].arguments["x-max-length"] = .int(10)
        actual.queues.removeAll { $0.name == "sy.retry.1s" }
        let dlq = try #require(actual.queues.firstIndex { $0.name == "sy.dlq.probe" })
        actual.queues[dlq].arguments["x-queue-type"] = "classic"
        actual.bindings.removeAll { $0.destination == "sy.work.probe.high" && $0.source == "sy.events.high" }
        actual.exchanges.removeAll { $0.name == "sy.retry" }

        #expect(Set(expected.differences(from: actual)) == [
            "missing exchange sy.retry (headers)",
            "missing queue sy.retry.1s",
            "queue sy.dlq.probe: type is classic, expected quorum",
            "queue sy.work.probe: argument x-delivery-limit is 7, expected 20",
            "queue sy.work.probe: unexpected argument x-max-length = 10",
            "missing binding sy.events.high -> sy.work.probe.high (routing key 'probe.#')",
        ])
    }
}

/// A small valid topology the tests mutate.
let validYAML = """
    version: 1
    exchanges: {events: sy.events, retry: sy.retry, requeue: sy.requeue, dead: sy.dead}
    lanes:
      - {name: high, exchange: sy.events.high, queue: "sy.work.{role}.high"}
      - {name: normal, exchange: sy.events, queue: "sy.work.{role}"}
    work_queues:
      arguments: {x-queue-type: quorum, x-delivery-limit: 20, x-dead-letter-exchange: sy.dead,
                  x-dead-letter-strategy: at-least-once, x-overflow: reject-publish}
    retry:
      header: sy-retry-tier
      queue: "sy.retry.{tier}"
      tiers: [1s, 5s]
      arguments: {x-queue-type: quorum, x-dead-letter-exchange: sy.requeue}
    dead_letters:
      queue: sy.dlq.{role}
      arguments: {x-queue-type: quorum}
    roles:
      probe:
        events: [probe.#]
        max_attempts: 5

    """
