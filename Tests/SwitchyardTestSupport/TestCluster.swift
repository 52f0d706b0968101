// The 3-node RabbitMQ cluster of `scripts/cluster`, for the tests that need one.

import Foundation

/// A running cluster: `scripts/cluster up` (idempotent) and what `scripts/cluster env` exports.
/// The cluster stays up for the next test; `scripts/test` stops it at the end if it was not
/// running before.
public struct TestCluster: Sendable {
    /// Every node's AMQP URL on vhost `/`, separated by commas.
    public let amqpURL: String
    /// Every node's management API URL, separated by commas.
    public let managementURL: String
    /// The `rabbitmq-queues` command that reaches the cluster.
    public let queuesCommand: String

    /// Starts the cluster unless it runs, and reads its settings.
    public static func up() throws -> TestCluster {
        _ = try run("up")
        var values: [String: String] = [:]
        for line in try run("env").split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            values[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
                .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        guard let amqp = values["SWITCHYARD_AMQP_URL"], let management = values["SWITCHYARD_RABBITMQ_MANAGEMENT_URL"],
              let queues = values["SWITCHYARD_RABBITMQ_QUEUES_COMMAND"]
        else { throw ServicesControlError(message: "scripts/cluster env printed no URLs") }
        return TestCluster(amqpURL: amqp, managementURL: management, queuesCommand: queues)
    }

    /// Runs `scripts/cluster ARGUMENTS`; its output (standard output and errors together).
    @discardableResult
    public static func run(_ arguments: String...) throws -> String {
        try ServicesControl.script("cluster", arguments)
    }
}
