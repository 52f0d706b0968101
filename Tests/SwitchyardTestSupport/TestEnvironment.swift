// Where the integration suites find the servers that `scripts/services up` starts.

public import Foundation

/// The broker and database the integration suites use: `SWITCHYARD_*` from the environment,
/// else the loopback defaults of `scripts/services`.
public enum TestEnvironment {
    /// What to tell a developer whose servers are not running.
    public static let startHint = "start the servers with `scripts/services up` (or run `scripts/test`)"

    /// The AMQP URL of the test broker.
    public static var amqpURL: String {
        value("SWITCHYARD_AMQP_URL") ?? "amqp://guest:guest@127.0.0.1:5680/%2F"
    }

    /// The libpq URL of the test database.
    public static var databaseURL: String {
        value("SWITCHYARD_DATABASE_URL") ?? "postgresql://switchyard@127.0.0.1:5440/switchyard"
    }

    /// The RabbitMQ management API base URL, with credentials.
    public static var managementURL: String {
        value("SWITCHYARD_RABBITMQ_MANAGEMENT_URL") ?? "http://guest:guest@127.0.0.1:15680"
    }

    /// The repository's top folder (scripts/, topology/, migrations/ live there).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A name no other test run uses, for queues, exchanges and databases.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }

    private static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}
