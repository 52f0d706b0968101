// Start-up configuration from SWITCHYARD_* environment variables, validated in one place.

public import Foundation
public import Logging
public import SwitchyardAMQP
public import SwitchyardCore

/// The settings every subcommand reads from the environment at start-up.
///
/// | variable | default |
/// |---|---|
/// | `SWITCHYARD_AMQP_URL` | `amqp://guest:guest@127.0.0.1:5680/%2F` (the broker `scripts/services` starts); a cluster's node URLs separated by commas |
/// | `SWITCHYARD_DATABASE_URL` | `postgresql://switchyard@127.0.0.1:5440/switchyard` (several hosts: `h1:5432,h2:5432`, libpq's multi-host form) |
/// | `SWITCHYARD_RABBITMQ_MANAGEMENT_URL` | `http://guest:guest@127.0.0.1:15680` |
/// | `SWITCHYARD_TOPOLOGY_FILE` | `topology/switchyard.yaml` |
/// | `SWITCHYARD_MIGRATIONS_DIR` | `migrations` |
/// | `SWITCHYARD_LOG_LEVEL` | `info` (trace, debug, info, notice, warning, error, critical) |
/// | `SWITCHYARD_MESSAGE_LIMIT` | `16777216`: the largest message body in bytes a process publishes or keeps (4096 to 536870912, RabbitMQ's ceiling); set the broker's `max_message_size` to the same |
public struct SwitchyardConfiguration: Sendable {
    /// The broker.
    public var amqp: AMQPConnection.Configuration
    /// The AMQP URL as given (with its password), for child processes.
    public var amqpURL: String
    /// The libpq connection URL.
    public var databaseURL: String
    /// The RabbitMQ management API base URL (with credentials).
    public var managementURL: URL
    /// Every node's management API URL (`SWITCHYARD_RABBITMQ_MANAGEMENT_URL` may list a cluster's
    /// nodes separated by commas); ``managementURL`` is the first.
    public var managementURLs: [URL]
    /// The topology file.
    public var topologyFile: String
    /// The folder of numbered SQL migrations.
    public var migrationsDirectory: String
    /// The least severe log level written.
    public var logLevel: Logger.Level

    /// Reads and validates the configuration.
    /// - Parameter environment: The variables (the process environment by default).
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        func value(_ name: String, default fallback: String) throws(ConfigurationError) -> String {
            guard let value = environment[name] else { return fallback }
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigurationError(variable: name, problem: "set but empty; unset it or give a value")
            }
            return value
        }

        amqpURL = try value("SWITCHYARD_AMQP_URL", default: "amqp://guest:guest@127.0.0.1:5680/%2F")
        do {
            amqp = try AMQPConnection.Configuration(url: amqpURL, connectionName: "switchyard")
        } catch {
            throw ConfigurationError(variable: "SWITCHYARD_AMQP_URL", problem: error.message)
        }
        amqp.messageLimit = try ConfigurationVariables(environment).integer(
            "SWITCHYARD_MESSAGE_LIMIT", default: AMQPConnection.Configuration.defaultMessageLimit, in: 4096...(512 * 1024 * 1024))

        databaseURL = try value("SWITCHYARD_DATABASE_URL", default: "postgresql://switchyard@127.0.0.1:5440/switchyard")
        if let problem = DatabaseURLCheck.problem(in: databaseURL) {
            throw ConfigurationError(variable: "SWITCHYARD_DATABASE_URL", problem: "\(problem); got '\(Self.redacted(databaseURL))'")
        }

        let management = try value("SWITCHYARD_RABBITMQ_MANAGEMENT_URL", default: "http://guest:guest@127.0.0.1:15680")
        var managementURLs: [URL] = []
        for text in management.split(separator: ",") {
            let item = text.trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: item), url.isHTTPServiceURL else {
                throw ConfigurationError(
                    variable: "SWITCHYARD_RABBITMQ_MANAGEMENT_URL",
                    problem: "expected http(s)://user:password@host:port (several separated by commas), got '\(Self.redacted(item))'")
            }
            managementURLs.append(url)
        }
        self.managementURLs = managementURLs
        guard let first = managementURLs.first else {
            throw ConfigurationError(variable: "SWITCHYARD_RABBITMQ_MANAGEMENT_URL", problem: "no URL in ','")
        }
        managementURL = first
        topologyFile = try value("SWITCHYARD_TOPOLOGY_FILE", default: "topology/switchyard.yaml")
        migrationsDirectory = try value("SWITCHYARD_MIGRATIONS_DIR", default: "migrations")
        let level = try value("SWITCHYARD_LOG_LEVEL", default: "info")
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationError(
                variable: "SWITCHYARD_LOG_LEVEL",
                problem: "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(level)'")
        }
        self.logLevel = logLevel
    }

    /// A URL fit for messages: its password replaced by `***`, or everything between `//` and
    /// `@` when it doesn't parse (see `Redaction.url`).
    static func redacted(_ url: String) -> String {
        Redaction.url(url)
    }
}
