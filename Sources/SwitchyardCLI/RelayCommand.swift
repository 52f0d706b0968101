// `switchyard relay`: the outbox relay as a process of its own.

import ArgumentParser
import Logging
import ServiceLifecycle
import Switchyard
import SwitchyardPostgres
import SwitchyardRuntime
import UnixSignals

/// `switchyard relay`: the outbox relay on its own.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Publish committed outbox rows with confirms (also runs inside every worker).")

    @OptionGroup var metrics: MetricsOptions

    func run() async throws {
        let configuration = try SwitchyardConfiguration()
        bootstrapLogging(configuration)
        let logger = Logger(label: "switchyard.relay")
        let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 2))
        // The metrics backend first: the relay's metrics are made with it.
        let metricsServer = try metrics.services(logger: logger)
        let relay = OutboxRelay(pool: pool, databaseURL: configuration.databaseURL, amqp: configuration.amqp, logger: logger)
        // Started in this order, stopped in reverse: the deadline starts its timer, the relay
        // flushes, then the pool closes.
        let deadline = StopDeadline(limit: StopDeadline.margin, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: ([pool] + metricsServer + [relay, deadline]).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
