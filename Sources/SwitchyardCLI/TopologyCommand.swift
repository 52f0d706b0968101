// `switchyard topology apply | verify | export`.

import ArgumentParser
import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP

/// Declares, checks and exports the broker topology of `topology/`.
struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Declare, verify or export the broker topology.",
        subcommands: [Apply.self, Verify.self, Export.self]
    )

    /// Options every topology subcommand takes.
    struct Options: ParsableArguments {
        @Option(name: .customLong("file"), help: "The topology file (default: SWITCHYARD_TOPOLOGY_FILE or topology/switchyard.yaml).")
        var file: String?

        @Option(name: .customLong("amqp-url"), help: "The broker (default: SWITCHYARD_AMQP_URL).")
        var amqpURL: String?

        /// The configuration with the flags applied, and the loaded topology.
        func load() async throws -> (SwitchyardConfiguration, Topology) {
            var environment = ProcessInfo.processInfo.environment
            if let amqpURL { environment["SWITCHYARD_AMQP_URL"] = amqpURL }
            if let file { environment["SWITCHYARD_TOPOLOGY_FILE"] = file }
            let configuration: SwitchyardConfiguration
            do {
                configuration = try SwitchyardConfiguration(environment: environment)
            } catch {
                guard error.variable == "SWITCHYARD_AMQP_URL", amqpURL != nil else { throw error }
                throw CommandFailure(message: "--amqp-url: \(error.problem)", exitCode: 2)
            }
            return (configuration, try await loadTopology(configuration, option: file == nil ? nil : "--file"))
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare every exchange, queue and binding (idempotent).")

        @OptionGroup var options: Options

        func run() async throws {
            let (configuration, topology) = try await options.load()
            let connection = try await connect(configuration)
            do {
                try await topology.definitions.apply(on: connection)
            } catch {
                await connection.close()
                throw CommandFailure(message: "\(error)")
            }
            await connection.close()
            let objects = topology.definitions
            print("applied \(objects.exchanges.count) exchanges, \(objects.queues.count) queues, \(objects.bindings.count) bindings")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the broker with the topology; exit 1 with one line per difference.",
            discussion: "Reads the broker's definitions through the management API (SWITCHYARD_RABBITMQ_MANAGEMENT_URL).")

        @OptionGroup var options: Options

        func run() async throws {
            let (configuration, topology) = try await options.load()
            let http = HTTPClient()
            let management = RabbitMQManagement(baseURLs: configuration.managementURLs, http: http)
            let actual: BrokerDefinitions
            do {
                actual = try await management.definitions(virtualHost: configuration.amqp.virtualHost)
            } catch {
                await http.shutdown()
                throw CommandFailure(message: "\(error)")
            }
            await http.shutdown()
            let differences = topology.definitions.differences(from: actual)
            guard differences.isEmpty else {
                differences.forEach { print($0) }
                throw ExitCode(1)
            }
            print("the broker matches the topology")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print RabbitMQ definitions JSON for the topology (for rabbitmqctl import_definitions).")

        @OptionGroup var options: Options

        func run() async throws {
            let (_, topology) = try await options.load()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(topology.definitions), as: UTF8.self))
        }
    }
}

/// Connects to the configured broker, as a command-line failure when it can't.
func connect(_ configuration: SwitchyardConfiguration) async throws -> AMQPConnection {
    do {
        return try await AMQPConnection.connect(configuration.amqp)
    } catch {
        throw CommandFailure(message: "cannot reach the broker (SWITCHYARD_AMQP_URL): \(error)")
    }
}
