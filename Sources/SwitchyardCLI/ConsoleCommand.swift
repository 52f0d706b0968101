// `switchyard console --port N`: the operator console on its own port (the ingress also serves
// it under /console unless SWITCHYARD_CONSOLE=0).

import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Switchyard
import SwitchyardAPI
import SwitchyardConsole
import SwitchyardHTTP
import SwitchyardPipelines
import SwitchyardPostgres
import UnixSignals

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Serve the operator console (queues, dead letters, live objects) at http://0.0.0.0:PORT/console.",
        discussion: "Operators sign in with a token from `switchyard operators create NAME`.")

    @Option(help: "The port to listen on.")
    var port: Int = 8090

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1...65535, got \(port)") }
    }

    func run() async throws {
        let configuration = try SwitchyardConfiguration()
        let consoleConfiguration = try ConsoleConfiguration()
        let liveUpdateSettings = try LiveUpdateSettings(environment: ProcessInfo.processInfo.environment)
        bootstrapLogging(configuration)
        let logger = Logger(label: "switchyard.console")
        let topology = try await loadTopology(configuration)
        let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 8, acquireTimeout: .seconds(5)))
        let liveUpdates = LiveUpdateHub(databaseURL: configuration.databaseURL, settings: liveUpdateSettings, logger: logger)
        let console = try makeConsole(configuration, consoleConfiguration, topology: topology, pool: pool, liveUpdates: liveUpdates, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: pool), .init(service: console.application(port: port, idleTimeout: consoleConfiguration.idleTimeout)), .init(service: liveUpdates)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("console listening", metadata: ["port": "\(port)"])
        try await group.run()
    }
}

/// The console over the configured broker, management API and database.
func makeConsole(
    _ configuration: SwitchyardConfiguration, _ consoleConfiguration: ConsoleConfiguration, topology: Topology, pool: PostgresPool,
    liveUpdates: LiveUpdateHub, logger: Logger
) throws -> Console {
    Console(
        dependencies: .init(
            pool: pool, topology: topology, amqp: configuration.amqp, managementURLs: configuration.managementURLs,
            http: HTTPClient(configuration: .init(connectTimeout: .seconds(3), timeout: .seconds(5))), liveUpdates: liveUpdates, subjects: PipelineRegistry.liveSubjects,
            cancellations: PipelineRegistry.cancellations, partImages: try PipelineRegistry.partImages(environment: ProcessInfo.processInfo.environment)),
        configuration: consoleConfiguration, logger: logger)
}
