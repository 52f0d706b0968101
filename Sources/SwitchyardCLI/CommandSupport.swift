// What the long-running subcommands share: topology loading, JSON logging, the metrics endpoint.

import ArgumentParser
import Logging
import ServiceLifecycle
import Switchyard
import SwitchyardAMQP
import SwitchyardMetrics
import SwitchyardPostgres
import SwitchyardRuntime

/// Loads the configured topology, as a command-line failure naming the file when it is bad.
func loadTopology(_ configuration: SwitchyardConfiguration) throws -> Topology {
    do {
        return try Topology.load(path: configuration.topologyFile, virtualHost: configuration.amqp.virtualHost)
    } catch {
        throw CommandFailure(message: error.message, exitCode: 2)
    }
}

/// JSON lines on stderr at the configured level.
func bootstrapLogging(_ configuration: SwitchyardConfiguration) {
    let level = configuration.logLevel
    LoggingSystem.bootstrap { label in
        var handler = JSONLogHandler(label: label)
        handler.logLevel = level
        return handler
    }
}

/// `--metrics-port`: serve Prometheus metrics on `/metrics`.
struct MetricsOptions: ParsableArguments {
    @Option(name: .customLong("metrics-port"), help: "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics (off when absent).")
    var port: Int?

    func validate() throws {
        if let port, !(1...65_535).contains(port) {
            throw ValidationError("--metrics-port must be 1...65535, got \(port)")
        }
    }

    /// Bootstraps the metrics backend and returns the HTTP server, when a port was given.
    /// - Parameter readiness: What keeps the process from its work now, for `/ready`.
    func services(logger: Logger, readiness: (@Sendable () async -> [String])? = nil) -> [any Service] {
        guard let port else { return [] }
        return [MetricsEndpoint.bootstrap().server(port: port, readiness: readiness, logger: logger)]
    }
}

/// Runs `body` in a transaction on a connection to the configured database.
func withDatabase<T: Sendable>(_ body: @escaping @Sendable (isolated PostgresConnection) throws -> T) async throws -> T {
    let configuration = try SwitchyardConfiguration()
    let connection: PostgresConnection
    do {
        connection = try await PostgresConnection.connect(url: configuration.databaseURL)
    } catch {
        throw CommandFailure(message: "cannot reach the database: \(error)")
    }
    do {
        let value = try await connection.withTransaction { connection in try body(connection) }
        await connection.close()
        return value
    } catch {
        await connection.close()
        throw error
    }
}
