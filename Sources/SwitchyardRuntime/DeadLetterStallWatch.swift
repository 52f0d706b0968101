// The `dead-letters` role's watch over at-least-once dead-lettering queues: notices a backlog
// that stopped moving, reports it, and recovers the queue by moving its leadership.

public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import Switchyard
import SwitchyardHTTP
import SwitchyardCore

/// Looks at `messages_dlx` of every at-least-once dead-lettering queue of the topology through
/// the management API every ``Settings/interval``. A queue whose backlog stays above zero
/// without going down for ``Settings/stallAfter`` is stalled
/// (``DeadLetterStallDetector``): `switchyard_dead_letters_stalled{queue}` shows its backlog, a
/// row in `dead_letter_stalls` shows it in `switchyard queues`, and the watch recovers it with
/// ``DeadLetterStallRecovery`` at most once per ``Settings/recoverySpacing`` across every
/// process that watches. A look that fails (the API is down) is logged and tried again.
public struct DeadLetterStallWatch: Service {
    /// How often to look, and when to act.
    public struct Settings: Sendable {
        /// The time between looks.
        public var interval: Duration
        /// How long a backlog must not go down to be stalled.
        public var stallAfter: Duration
        /// The least time between two recoveries of one queue.
        public var recoverySpacing: Duration

        /// Settings from `SWITCHYARD_DLX_STALL_SECONDS` (60 by default, 5 at least): looks every
        /// quarter of it (15 s at most), recoveries at least twice that far apart and never
        /// within a minute of each other. The management API can show a queue's old
        /// `messages_dlx` for about ten seconds after its leadership moved: a second recovery on
        /// those numbers would remove the new leader's replica, and could hand the leadership
        /// back to the node it was taken from.
        /// - Throws: ``ConfigurationError`` naming the variable.
        public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
            let text = environment["SWITCHYARD_DLX_STALL_SECONDS"] ?? "60"
            guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), (5...86_400).contains(seconds) else {
                throw ConfigurationError(
                    variable: "SWITCHYARD_DLX_STALL_SECONDS", problem: "expected whole seconds from 5 to 86400, got '\(text)'")
            }
            stallAfter = .seconds(seconds)
            interval = .seconds(max(1, min(15, seconds / 4)))
            recoverySpacing = .seconds(max(seconds * 2, 60))
        }
    }

    private let management: RabbitMQManagement
    private let virtualHost: String
    private let queues: Set<String>
    private let store: DeadLetterStallStore
    private let recovery: DeadLetterStallRecovery
    private let settings: Settings
    private let logger: Logger

    /// Creates the watch.
    /// - Parameters:
    ///   - topology: The queues to watch: those dead-lettering at least once.
    ///   - management: The management API of the broker (or of a cluster's nodes).
    ///   - virtualHost: The topology's virtual host.
    ///   - store: Where stalls are recorded.
    ///   - recovery: How a stalled queue is recovered.
    ///   - settings: Intervals.
    ///   - logger: Where stalls and recoveries are reported.
    public init(
        topology: Topology, management: RabbitMQManagement, virtualHost: String, store: DeadLetterStallStore,
        recovery: DeadLetterStallRecovery, settings: Settings, logger: Logger
    ) {
        queues = Set(topology.definitions.queues.filter {
            $0.arguments["x-dead-letter-strategy"]?.string == "at-least-once"
        }.map(\.name))
        self.management = management
        self.virtualHost = virtualHost
        self.store = store
        self.recovery = recovery
        self.settings = settings
        self.logger = logger
    }

    /// Looks until graceful shutdown (or cancellation).
    public func run() async {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            var detector = DeadLetterStallDetector(stallAfter: settings.stallAfter)
            var reported: Set<String> = []
            while !stop.isTriggered, !Task.isCancelled {
                do {
                    let stalls = detector.observe(try await look())
                    reported = try await report(stalls, previously: reported)
                } catch {
                    logger.warning("the dead-letter stall watch could not look at the queues", metadata: ["error": "\(error)"])
                }
                await stop.sleep(for: settings.interval)
            }
        } onGracefulShutdown: {
            stop.trigger()
        }
    }

    /// The watched queues' backlogs.
    private func look() async throws -> [DeadLetterStallDetector.Observation] {
        let response = try await management.request(
            .get, "/api/queues/\(RabbitMQManagement.encode(virtualHost))?columns=name,messages_dlx,leader")
        guard case .array(let items) = try JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else { return [] }
        return items.compactMap { item in
            guard let name = item["name"]?.string, queues.contains(name) else { return nil }
            return .init(queue: name, messagesDLX: item["messages_dlx"]?.integer.map(Int.init) ?? 0, leader: item["leader"]?.string)
        }
    }

    /// Metrics, rows and recoveries for this look's stalls; returns the queues now stalled.
    private func report(_ stalls: [DeadLetterStallDetector.Stall], previously: Set<String>) async throws -> Set<String> {
        let now = Set(stalls.map(\.observation.queue))
        for queue in previously.subtracting(now) {
            Gauge(label: "switchyard_dead_letters_stalled", dimensions: [("queue", queue)]).record(0)
            logger.info("a stalled dead-letter backlog moves again", metadata: ["queue": "\(queue)"])
        }
        try await store.clear(vhost: virtualHost, except: Array(now))
        for stall in stalls {
            let observation = stall.observation
            Gauge(label: "switchyard_dead_letters_stalled", dimensions: [("queue", observation.queue)])
                .record(observation.messagesDLX)
            try await store.recordStall(
                vhost: virtualHost, queue: observation.queue, messagesDLX: observation.messagesDLX,
                leader: observation.leader, since: stall.since)
            guard try await store.claimRecovery(vhost: virtualHost, queue: observation.queue, spacing: settings.recoverySpacing)
            else { continue }
            logger.error("a dead-letter backlog has not moved; recovering the queue", metadata: [
                "queue": "\(observation.queue)", "messages_dlx": "\(observation.messagesDLX)",
                "leader": "\(observation.leader ?? "unknown")", "since": "\(stall.since)",
            ])
            let outcome = await recovery.recover(queue: observation.queue, virtualHost: virtualHost, leader: observation.leader)
            Counter(label: "switchyard_dead_letter_stall_recoveries_total", dimensions: [
                ("queue", observation.queue), ("method", outcome.method), ("result", outcome.succeeded ? "done" : "failed"),
            ]).increment()
            try await store.recordRecovery(vhost: virtualHost, queue: observation.queue, outcome: outcome.description)
            let metadata: Logger.Metadata = ["queue": "\(observation.queue)", "outcome": "\(outcome.description)"]
            if outcome.succeeded {
                logger.warning("moved the stalled queue's leadership", metadata: metadata)
            } else {
                logger.error("could not recover the stalled queue", metadata: metadata)
            }
        }
        return now
    }
}
