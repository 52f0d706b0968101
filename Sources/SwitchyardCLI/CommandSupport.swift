// What the long-running subcommands share: topology loading, JSON logging, the metrics endpoint.

import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Switchyard
import SwitchyardAMQP
import SwitchyardAPI
import SwitchyardConcurrency
import SwitchyardCore
import SwitchyardMetrics
import SwitchyardPostgres
import SwitchyardRuntime

/// Loads the configured topology, as a command-line failure naming the file when it is bad.
/// - Parameters:
///   - configuration: Names the file and the virtual host.
///   - option: The command-line option that named the file, if one did.
/// - Throws: ``CommandFailure`` (exit 2) whose message starts with where the file's name came
///   from (`--file`, `SWITCHYARD_TOPOLOGY_FILE`), unless it is the default.
func loadTopology(_ configuration: SwitchyardConfiguration, option: String? = nil) async throws -> Topology {
    let (path, virtualHost) = (configuration.topologyFile, configuration.amqp.virtualHost)
    // The file is read with blocking calls: on a thread of its own, not the cooperative pool.
    let loaded = await NamedThread.result(name: "sy-topology") {
        Result { () throws(TopologyError) in try Topology.load(path: path, virtualHost: virtualHost) }
    }
    do {
        return try loaded.get()
    } catch {
        let source = option ?? (ProcessInfo.processInfo.environment["SWITCHYARD_TOPOLOGY_FILE"] == nil ? nil : "SWITCHYARD_TOPOLOGY_FILE")
        throw CommandFailure(message: source.map { "\($0): \(error.message)" } ?? error.message, exitCode: 2)
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

    /// Bootstraps the metrics backend and returns the HTTP server, when a port was given. The
    /// server has the ingress's guards: `SWITCHYARD_HTTP_IDLE_TIMEOUT` (seconds, default 60)
    /// closes idle connections and bounds how long a request may take to arrive.
    /// - Parameter readiness: What keeps the process from its work now, for `/ready`.
    /// - Throws: ``ConfigurationError`` naming `SWITCHYARD_HTTP_IDLE_TIMEOUT` when it is not
    ///   1...86400.
    func services(logger: Logger, readiness: (@Sendable () async -> [String])? = nil) throws(ConfigurationError) -> [any Service] {
        guard let port else { return [] }
        let idleTimeout = try HTTPIdleTimeout.seconds(ConfigurationVariables())
        return [MetricsEndpoint.bootstrap().server(
            port: port, readiness: readiness, server: .guardedHTTP1(idleTimeoutSeconds: idleTimeout), logger: logger)]
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
