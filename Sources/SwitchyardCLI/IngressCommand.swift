// `switchyard ingress [--port N]`: the HTTP front door.

import ArgumentParser
import Logging
import ServiceLifecycle
import Switchyard
import SwitchyardAPI
import SwitchyardConsole
import SwitchyardIngress
import SwitchyardMetrics
import SwitchyardPostgres
import SwitchyardRuntime
import UnixSignals

/// Serves webhooks and the API until SIGTERM or SIGINT.
struct IngressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress",
        abstract: "Serve webhooks, producer events, the job API with live updates, the operator console, health and metrics over HTTP.",
        discussion: """
            The port defaults to SWITCHYARD_HTTP_PORT, else 8080. Webhook sources need \
            SWITCHYARD_WEBHOOK_SECRET_<SOURCE> (whsec_<base64>, comma-separated while rotating); \
            without one the source is refused.
            """)

    @Option(help: "The port to listen on (default: SWITCHYARD_HTTP_PORT, else 8080).")
    var port: Int?

    @Flag(help: "Don't run an outbox relay in this process (new jobs' messages this process could not publish then wait for a worker's or `switchyard relay`).")
    var noRelay = false

    func validate() throws {
        if let port, !(1...65_535).contains(port) {
            throw ValidationError("--port must be 1...65535, got \(port)")
        }
    }

    func run() async throws {
        let configuration = try SwitchyardConfiguration()
        let ingress = try IngressConfiguration()
        bootstrapLogging(configuration)
        let logger = Logger(label: "switchyard.ingress")
        let topology = try await loadTopology(configuration)
        let metrics = MetricsEndpoint.bootstrap()
        // A request that can't get a connection within the acquire timeout is answered 503 with
        // Retry-After instead of queueing without bound.
        let acquireTimeout = Duration.seconds(ingress.databaseAcquireTimeout)
        let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 24, acquireTimeout: acquireTimeout))
        let acceptancePool = PostgresPool(configuration: .init(
            url: configuration.databaseURL, maxConnections: 8, acquireTimeout: acquireTimeout,
            sessionSettings: PostgresPool.acceptanceSettings))
        let publisher = BrokerPublisher(
            configuration: configuration.amqp, confirmTimeout: .seconds(ingress.publishConfirmTimeout))
        let liveUpdates = LiveUpdateHub(databaseURL: configuration.databaseURL, settings: ingress.liveUpdates, logger: logger)
        let consoleConfiguration = try ConsoleConfiguration()
        let console = consoleConfiguration.enabledOnIngress
            ? try makeConsole(configuration, consoleConfiguration, topology: topology, pool: pool, liveUpdates: liveUpdates, logger: logger)
            : nil
        // Created jobs' first events go out on the shared publishing connection right after
        // their commit; the relay takes over what could not be published.
        let relaySignal = noRelay ? nil : OutboxSignal()
        let followUps = FollowUpPublisher(
            publish: { await publisher.publishEach($0) }, pool: pool, signal: relaySignal, logger: logger)
        let server = try IngressServer(
            configuration: ingress, pool: pool, acceptancePool: acceptancePool, publisher: publisher, liveUpdates: liveUpdates,
            followUps: followUps, eventsExchange: topology.eventsExchange, metrics: metrics, console: console, logger: logger)
        // Services start in this order and stop in reverse: the live-update streams end first
        // (so the server's graceful stop isn't held by them), then the server stops taking
        // requests and finishes those in flight, then the follow-up publisher publishes what
        // they committed, then the relay what is left, then the broker connection and the
        // pools close.
        var services: [any Service] = [pool, acceptancePool, publisher]
        if let relaySignal {
            services.append(OutboxRelay(
                pool: pool, databaseURL: configuration.databaseURL, amqp: configuration.amqp, signal: relaySignal, logger: logger))
        }
        // Last: graceful shutdown reaches it first, and it bounds the whole stop.
        services += [FollowUpPublishingService(followUps), try server.application(port: port), liveUpdates,
                     StopDeadline(limit: StopDeadline.margin, logger: logger)]
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("ingress listening", metadata: ["port": "\(port ?? ingress.port)"])
        try await group.run()
    }
}
