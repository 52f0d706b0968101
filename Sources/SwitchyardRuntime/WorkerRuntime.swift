// `switchyard work ROLE...`: consumes the roles' queues, runs handlers with bounded
// concurrency, and reconnects after broker outages until told to stop.

import Foundation
public import Logging
public import ServiceLifecycle
public import Switchyard
public import SwitchyardAMQP
public import SwitchyardPostgres

/// The worker loop of one process: a `Service` that consumes the work queues of its roles
/// (highest lane first), applies the delivery rules, and survives broker and database outages.
///
/// Each role has its own handler slots and a handler deadline from the topology; a handler past
/// it is a transient failure and its slot is freed. Each session opens two connections, one to
/// consume and one to publish retries and dead letters. When a connection fails, the session ends, unacknowledged deliveries return to
/// their queues by the broker's rules, and a new session starts after a capped backoff. On
/// graceful shutdown (SIGTERM, SIGINT) it stops consuming, requeues what no handler started,
/// lets in-flight handlers finish within the grace period, and returns.
public struct WorkerRuntime: Service {
    /// How the worker runs.
    public struct Configuration: Sendable {
        /// The broker.
        public var amqp: AMQPConnection.Configuration
        /// Handler slots of each role (each role has its own, so one role can't starve another).
        public var concurrency: Int
        /// Handler slots of particular roles, overriding ``concurrency`` for them.
        public var roleConcurrency: [String: Int]

        /// The handler slots of `role`.
        public func slots(of role: String) -> Int {
            roleConcurrency[role] ?? concurrency
        }
        /// Unacknowledged deliveries per work queue; nil: ``defaultPrefetch(slots:)`` of the
        /// queue's role.
        public var prefetch: UInt16?

        /// The unacknowledged deliveries of each of `role`'s work queues.
        public func prefetch(of role: String) -> UInt16 {
            prefetch ?? Self.defaultPrefetch(slots: slots(of: role))
        }

        /// Handler slots per role when none are given: 64 per processor core, 64 to 256. Handlers
        /// mostly wait on the network and a slot is a task, so slots are cheap (CPU-bound work,
        /// such as rendering, has its own bounded threads); and the more deliveries finish
        /// together, the more share one commit (a transaction's cost is mostly fixed): on 2
        /// cores the probe drain ran 11,400 msg/s with 16 slots, 16,200 with 32, 20,600 with 64
        /// (before the one-round-trip commit; with it, 25,800 with 64 and 29,100 with 128).
        public static var defaultSlots: Int {
            min(256, max(64, 64 * ProcessInfo.processInfo.activeProcessorCount))
        }

        /// Prefetch per work queue when none is given: four deliveries per handler slot, at most
        /// 1,000. Quorum queues hand out deliveries in credit batches, and a buffer a few slots
        /// deep keeps every slot busy while acks are in flight; deliveries a slot can't start
        /// soon are better left in the queue for another worker.
        public static func defaultPrefetch(slots: Int) -> UInt16 {
            UInt16(min(1_000, 4 * max(1, slots)))
        }
        /// How long in-flight handlers may take to finish after SIGTERM.
        public var gracePeriod: Duration
        /// This process's name in dead letters and logs.
        public var workerID: String
        /// Poked when follow-ups the worker could not publish itself wait for the relay: give the
        /// same one to this process's relay (nil: `NOTIFY sy_outbox` wakes every relay).
        public var outboxSignal: OutboxSignal?
        /// Set while the broker session consumes (for the readiness endpoint).
        public var readiness: WorkerReadiness?

        /// Creates a configuration.
        public init(
            amqp: AMQPConnection.Configuration, concurrency: Int = Configuration.defaultSlots, roleConcurrency: [String: Int] = [:],
            prefetch: UInt16? = nil, gracePeriod: Duration = .seconds(20), workerID: String = WorkerRuntime.defaultWorkerID(),
            outboxSignal: OutboxSignal? = nil, readiness: WorkerReadiness? = nil
        ) {
            self.readiness = readiness
            self.amqp = amqp
            self.concurrency = concurrency
            self.roleConcurrency = roleConcurrency
            self.prefetch = prefetch
            self.gracePeriod = gracePeriod
            self.workerID = workerID
            self.outboxSignal = outboxSignal
        }
    }

    let roles: [any WorkerRole]
    let metrics: [String: WorkerMetrics]
    let topology: Topology
    let pool: PostgresPool
    let configuration: Configuration
    let logger: Logger

    /// Creates the worker.
    /// - Parameters:
    ///   - roles: The roles to run; each must be in the topology.
    ///   - topology: The broker topology (queues, retry tiers, attempt limits).
    ///   - pool: The database.
    ///   - configuration: Concurrency, prefetch, grace period.
    ///   - logger: Where to log.
    /// - Throws: ``TopologyError`` for a role the topology does not define.
    public init(
        roles: [any WorkerRole], topology: Topology, pool: PostgresPool, configuration: Configuration, logger: Logger
    ) throws {
        for role in roles { _ = try topology.role(role.name) }
        self.roles = roles
        metrics = Dictionary(roles.map { ($0.name, WorkerMetrics(role: $0.name)) }) { first, _ in first }
        self.topology = topology
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    /// `hostname-pid`.
    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    public func run() async throws {
        await SessionSupervisor(name: "worker", logger: logger).run { stop in
            try await session(until: stop)
        }
    }

    /// One pair of connections, consuming until a failure (throws) or the stop signal (returns).
    private func session(until stop: StopSignal) async throws {
        defer { configuration.readiness?.setConsuming(false) }
        var amqp = configuration.amqp
        // Names operators see in the management UI and the console: the roles, the host, the process.
        let process = "\(roles.map(\.name).joined(separator: " ")) on \(ProcessInfo.processInfo.hostName) pid \(getpid())"
        amqp.connectionName = "switchyard work \(process) (consume)"
        let consuming = try await AMQPConnection.connect(amqp)
        amqp.connectionName = "switchyard work \(process) (publish)"
        let publishing: AMQPConnection
        do {
            publishing = try await AMQPConnection.connect(amqp)
        } catch {
            await consuming.close()
            throw error
        }
        do {
            try await consume(consuming: consuming, publishing: publishing, until: stop)
        } catch {
            await consuming.close()
            await publishing.close()
            throw error
        }
        await consuming.close()
        await publishing.close()
    }

    private func consume(consuming: AMQPConnection, publishing: AMQPConnection, until stop: StopSignal) async throws {
        // A stop during the setup closes the connections: a stalled queue may not answer.
        let closeConnections: @Sendable () async -> Void = {
            await consuming.close()
            await publishing.close()
        }
        let (channel, publisher) = try await stop.interrupting({
            (try await consuming.openChannel(), try await publishing.openChannel(confirms: true))
        }, with: closeConnections)
        // Follow-ups go out on the publishing connection right after their commit.
        let followUps = FollowUpPublisher(channel: publisher, pool: pool, signal: configuration.outboxSignal, logger: logger)
        let committer = Committer(
            pool: pool, outbox: OutboxWriter(exchange: topology.eventsExchange), followUps: followUps, logger: logger)
        let processor = DeliveryProcessor(
            topology: topology, retryPolicy: RetryPolicy(tiers: topology.retryTiers), committer: committer,
            consumerChannel: channel, publisher: publisher, workerID: configuration.workerID, logger: logger)
        let (feeds, slots) = try await stop.interrupting({ try await startConsumers(on: channel) }, with: closeConnections)
        configuration.readiness?.setConsuming(true)
        logger.info("consuming", metadata: [
            "queues": "\(feeds.map(\.queue).joined(separator: ","))",
            "slots": "\(roles.map { "\($0.name)=\(configuration.slots(of: $0.name))" }.joined(separator: ","))",
            "prefetch": "\(roles.map { "\($0.name)=\(configuration.prefetch(of: $0.name))" }.joined(separator: ","))",
        ])

        let handlersDone = StopSignal()
        let followUpsDone = StopSignal()
        let tags = feeds.map(\.tag)
        let roleSlots = slots
        let buffers = slots.map(\.buffer)
        do {
            // A discarding group: the first child to throw cancels the others.
            try await withThrowingDiscardingTaskGroup { group in
                for feed in feeds {
                    group.addTask {
                        for await error in feed.endings {
                            if let error { throw error }
                        }
                        if !stop.isTriggered { throw SessionFailure(description: "consumer \(feed.queue) ended") }
                    }
                }
                group.addTask {
                    try await followUps.run()
                    followUpsDone.trigger()
                }
                group.addTask {
                    await committer.run()
                    followUps.finish()
                }
                group.addTask {
                    try await withThrowingDiscardingTaskGroup { handlers in
                        for (buffer, count) in roleSlots {
                            for _ in 0..<count {
                                handlers.addTask {
                                    while let work = await buffer.next() { try await processor.process(work) }
                                }
                            }
                        }
                    }
                    handlersDone.trigger()
                }
                group.addTask {
                    await stop.wait()
                    guard !Task.isCancelled else { return }
                    try await drain(tags, buffers: buffers, channel: channel, handlersDone: handlersDone)
                    committer.finish()
                    await stopWaiting(for: followUps, done: followUpsDone)
                }
            }
        } catch {
            for buffer in buffers { _ = buffer.finish() }
            committer.finish()
            followUps.finish()
            throw error
        }
    }

    /// Starts a consumer on each work queue of each role, feeding the role's buffer.
    /// - Returns: The consumers, and each role's buffer with its number of handler slots.
    private func startConsumers(on channel: AMQPChannel) async throws -> ([Feed], [(buffer: LaneBuffer<Work>, count: Int)]) {
        // Each role has its own buffer and its own handler slots, so a role whose handlers are
        // slow (a tarpit URL, a hung provider) can't take the slots of another.
        var feeds: [Feed] = []
        var slots: [(buffer: LaneBuffer<Work>, count: Int)] = []
        for role in roles {
            let spec = try topology.role(role.name)
            let buffer = LaneBuffer<Work>(laneCount: topology.lanes.count)
            slots.append((buffer, configuration.slots(of: role.name)))
            let roleMetrics = metrics[role.name] ?? WorkerMetrics(role: role.name)
            for (lane, queue) in spec.workQueues.enumerated() {
                // Deliveries go from the connection's thread straight into the role's buffer,
                // which hands each to a waiting handler slot: no task in between.
                let (endings, ending) = AsyncStream.makeStream(of: AMQPError?.self, bufferingPolicy: .bufferingNewest(1))
                let tag = try await channel.consume(
                    queue: queue, prefetch: configuration.prefetch(of: role.name),
                    deliver: { delivery in
                        buffer.push(Work(
                            delivery: delivery, role: role, queue: queue, maxAttempts: spec.maxAttempts,
                            handlerTimeout: spec.handlerTimeout, metrics: roleMetrics), lane: lane)
                    },
                    ended: { error in
                        ending.yield(error)
                        ending.finish()
                    })
                feeds.append(Feed(tag: tag, queue: queue, endings: endings))
            }
        }
        return (feeds, slots)
    }

    /// Graceful stop: no new deliveries, requeue what no handler started, give in-flight
    /// handlers the grace period.
    private func drain(
        _ consumers: [String], buffers: [LaneBuffer<Work>], channel: AMQPChannel, handlersDone: StopSignal
    ) async throws {
        logger.info("stopping: no new deliveries; in-flight handlers get \(configuration.gracePeriod)")
        for consumer in consumers { await channel.cancelConsumer(consumer) }
        for work in buffers.flatMap({ $0.finish() }) {
            try? channel.nack(work.delivery.deliveryTag, requeue: true)
        }
        await handlersDone.sleep(for: configuration.gracePeriod)
        guard handlersDone.isTriggered else {
            throw SessionFailure(description: "in-flight handlers did not finish within \(configuration.gracePeriod)")
        }
    }
}

extension WorkerRuntime {
    /// How long a stopping worker waits for the broker's confirms of its last follow-ups: as
    /// long as their rows' lease, after which a relay publishes them anyway.
    static let followUpConfirmWait = OutboxWriter.lease

    /// Waits up to ``followUpConfirmWait`` for the follow-ups' confirms and marks, then leaves
    /// the unconfirmed ones to the relays, so that a queue that confirms nothing (it lost its
    /// quorum) can't hold a stopping worker until it is killed. (Rows the committer hands over
    /// after that, its last commits taking longer, wait for their lease the same way.)
    fileprivate func stopWaiting(for followUps: FollowUpPublisher, done: StopSignal) async {
        await done.sleep(for: Self.followUpConfirmWait)
        guard !done.isTriggered, !Task.isCancelled else { return }
        let abandoned = followUps.abandonUnconfirmed()
        guard abandoned > 0 else { return }
        logger.warning("stopping without the broker's confirms of some follow-ups; a relay publishes them as their lease passes", metadata: [
            "publishes": "\(abandoned)", "waited_ms": "\(Self.followUpConfirmWait / .milliseconds(1))",
        ])
    }
}

/// One consumer of a role's work queue in one lane, feeding the role's buffer.
private struct Feed: Sendable {
    var tag: String
    var queue: String
    /// Yields once when the consumer ends: nil when this process cancelled it, else why.
    var endings: AsyncStream<AMQPError?>
}
