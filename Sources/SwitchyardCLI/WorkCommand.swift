// `switchyard work ROLE...`: run one or more worker roles (and the outbox relay) in one process.

import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Switchyard
import SwitchyardAMQP
import SwitchyardPipeline
import SwitchyardPipelines
import SwitchyardHTTP
import SwitchyardPostgres
import SwitchyardRuntime
import UnixSignals

/// Runs worker roles until SIGTERM or SIGINT.
struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Run worker roles: consume, handle, commit, then acknowledge.",
        discussion: """
            Roles (from the pipelines' registry):
            \(PipelineRegistry.roles.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))
              \(WorkCommand.deadLetters): archives the DLQs into the dead_letters table, prunes old rows hourly, and watches
                for quorum queues whose dead-letter backlog stopped moving (and recovers them)
            Every worker also runs the outbox relay unless --no-relay.
            """)

    /// The platform's own role: the dead-letter archiver (with the scheduled pruning).
    static let deadLetters = "dead-letters"

    /// The roles this build can run: every pipeline's, and the archiver.
    static var availableRoles: [String] {
        PipelineRegistry.roles.map(\.name) + [deadLetters]
    }

    @Argument(help: "The roles to run.")
    var roles: [String]

    @Option(help: ArgumentHelp(
        "Handler slots per role: N for every role, or ROLE=N pairs (analysis=8,build=4), or both (16,build=4); by default 64 per processor core, 64 to 256.",
        valueName: "slots"))
    var concurrency: HandlerSlots = HandlerSlots(perRole: WorkerRuntime.Configuration.defaultSlots)

    @Option(help: "Unacknowledged deliveries per work queue (default: 4 per handler slot of the queue's role, at most 1000).")
    var prefetch: Int?

    @Option(name: .customLong("grace-period"), help: "Seconds in-flight handlers get to finish after SIGTERM (0.001...86400).")
    var gracePeriod: Double = 20

    /// The grace periods a worker takes: a day at most (a larger one overflowed the conversion
    /// to a `Duration` and trapped).
    static let gracePeriods = 0.001...86_400.0

    @Flag(name: .customLong("no-relay"), help: "Do not run the outbox relay in this process.")
    var noRelay = false

    @OptionGroup var metrics: MetricsOptions

    func validate() throws {
        for role in roles where !Self.availableRoles.contains(role) {
            throw ValidationError("unknown role '\(role)'; available: \(Self.availableRoles.joined(separator: ", "))")
        }
        for role in concurrency.byRole.keys.sorted() where !roles.contains(role) {
            throw ValidationError("--concurrency names '\(role)', which is not among the roles to run (\(roles.joined(separator: ", ")))")
        }
        if let prefetch, !(1...65_535).contains(prefetch) {
            throw ValidationError("--prefetch must be 1...65535, got \(prefetch)")
        }
        guard Self.gracePeriods.contains(gracePeriod) else {
            throw ValidationError("--grace-period: expected seconds in 0.001...\(Int(Self.gracePeriods.upperBound)), got \(gracePeriod)")
        }
    }

    func run() async throws {
        let configuration = try SwitchyardConfiguration()
        bootstrapLogging(configuration)
        let logger = Logger(label: "switchyard.work")
        let topology = try await loadTopology(configuration)
        let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 4))

        // Services start in this order and stop in reverse: intake and handlers stop first
        // (the worker drains), then the archiver, then the relay publishes what the drain
        // committed, then the database pool closes.
        let readiness = WorkerReadiness()
        let consumes = roles.contains { $0 != Self.deadLetters }
        let databaseURL = configuration.databaseURL
        var services: [any Service] = try [pool] + metrics.services(logger: logger, readiness: {
            var problems: [String] = []
            if consumes && !readiness.isConsuming { problems.append("broker: not consuming (connecting or reconnecting)") }
            if let failure = await DatabaseProbe.failure(url: databaseURL, within: .seconds(2)) { problems.append("database: \(failure)") }
            return problems
        })
        let outboxSignal = noRelay ? nil : OutboxSignal()
        if let outboxSignal {
            services.append(OutboxRelay(
                pool: pool, databaseURL: configuration.databaseURL, amqp: configuration.amqp, signal: outboxSignal, logger: logger))
        }
        if roles.contains(Self.deadLetters) {
            services.append(DeadLetterArchiver(topology: topology, pool: pool, amqp: configuration.amqp, logger: logger))
            services.append(ScheduledPruner(pruner: Pruner(policy: try RetentionPolicy(), pool: pool), logger: logger))
            let management = RabbitMQManagement(baseURLs: configuration.managementURLs, http: HTTPClient())
            services.append(DeadLetterStallWatch(
                topology: topology, management: management, virtualHost: configuration.amqp.virtualHost,
                store: DeadLetterStallStore(pool: pool), recovery: try DeadLetterStallRecovery(management: management),
                settings: try DeadLetterStallWatch.Settings(), logger: logger))
        }
        let workerRoles = try await PipelineRegistry.makeRoles(
            named: roles.filter { $0 != Self.deadLetters }, context: RoleContext(pool: pool, topology: topology, logger: logger))
        if !workerRoles.isEmpty {
            services.append(try WorkerRuntime(
                roles: workerRoles, topology: topology, pool: pool,
                configuration: .init(
                    amqp: configuration.amqp, concurrency: concurrency.perRole, roleConcurrency: concurrency.byRole,
                    prefetch: prefetch.map { UInt16($0) },
                    gracePeriod: .milliseconds(Int64(gracePeriod * 1000)), outboxSignal: outboxSignal, readiness: readiness),
                logger: logger))
        }
        // Last: graceful shutdown reaches it first, and it bounds the whole stop.
        services.append(StopDeadline(limit: .milliseconds(Int64(gracePeriod * 1000)) + StopDeadline.margin, logger: logger))
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
