// `switchyard work dead-letters`: moves every dead letter from the DLQs into the
// `dead_letters` table, once, then acknowledges it.

import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import Switchyard
public import SwitchyardAMQP
public import SwitchyardPostgres

/// Archives dead letters: consumes every DLQ of the topology and inserts each message (body,
/// properties, headers, why it died, where it came from) into `dead_letters`, then acks.
///
/// The archive key makes the insert idempotent: a dead letter published twice (a worker that
/// died between publishing it and acking the original) or redelivered is archived once.
public struct DeadLetterArchiver: Service {
    let topology: Topology
    let pool: PostgresPool
    let amqp: AMQPConnection.Configuration
    let logger: Logger

    /// Creates an archiver.
    public init(topology: Topology, pool: PostgresPool, amqp: AMQPConnection.Configuration, logger: Logger) {
        self.topology = topology
        self.pool = pool
        self.amqp = amqp
        self.logger = logger
    }

    public func run() async throws {
        await SessionSupervisor(name: "dead-letter archiver", logger: logger).run { stop in
            try await session(until: stop)
        }
    }

    private func session(until stop: StopSignal) async throws {
        var amqp = amqp
        amqp.connectionName = "switchyard dead-letters on \(ProcessInfo.processInfo.hostName) pid \(getpid())"
        let connection = try await AMQPConnection.connect(amqp)
        do {
            let queues = Set(topology.roles.values.map(\.deadLetterQueue)).sorted()
            // A stop during the setup closes the connection: a stalled queue may not answer.
            let (channel, all) = try await stop.interrupting({
                let channel = try await connection.openChannel()
                var consumers: [AMQPConsumer] = []
                for queue in queues {
                    consumers.append(try await channel.consume(queue: queue, prefetch: 50))
                }
                return (channel, consumers)
            }, with: { await connection.close() })
            // A discarding group: the first child to throw cancels the others.
            try await withThrowingDiscardingTaskGroup { group in
                for (queue, consumer) in zip(queues, all) {
                    group.addTask {
                        for try await delivery in consumer {
                            try await archive(delivery, from: queue)
                            try channel.ack(delivery.deliveryTag)
                        }
                        if !stop.isTriggered { throw SessionFailure(description: "consumer of \(queue) ended") }
                    }
                }
                group.addTask {
                    await stop.wait()
                    guard !Task.isCancelled else { return }
                    for consumer in all { await consumer.cancel() }
                }
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// Archives everything waiting in `deadLetterQueue` now (one `basic.get` at a time, each
    /// acked after its insert), for operators who purge: nothing leaves a DLQ unarchived.
    /// - Returns: How many messages were taken off the queue.
    public func drain(_ deadLetterQueue: String, on channel: AMQPChannel) async throws -> Int {
        var drained = 0
        while let delivery = try await channel.get(queue: deadLetterQueue) {
            try await archive(delivery, from: deadLetterQueue)
            try channel.ack(delivery.deliveryTag)
            drained += 1
        }
        return drained
    }

    /// Inserts one dead letter unless its archive key is already there. Only a database that
    /// can't be reached is waited for; a row the database refuses is archived in its minimal
    /// form instead (see ``DeadLetterRecord``), so no letter can stall the archiver.
    func archive(_ delivery: AMQPDelivery, from deadLetterQueue: String) async throws {
        let record = DeadLetterRecord(delivery: delivery, deadLetterQueue: deadLetterQueue)
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                try await insert(record, from: deadLetterQueue)
                return
            } catch let error as PostgresError where error.isConnectionLevel {
                logger.warning("database unavailable; holding a dead letter", metadata: ["error": "\(error)"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func insert(_ record: DeadLetterRecord, from deadLetterQueue: String) async throws {
        var stored = record
        do {
            try await pool.withConnection { connection in try record.insert(on: connection) }
        } catch let error as PostgresError where error.isConnectionLevel {
            throw error
        } catch {
            logger.error("a dead letter's row was refused; archiving it in minimal form", metadata: [
                "origin_queue": "\(record.originQueue)", "error": "\(error)",
            ])
            let refusal = "\(error)"
            try await pool.withConnection { connection in
                try record.minimalInsert(deadLetterQueue: deadLetterQueue, refusal: refusal, on: connection)
            }
            stored.originQueue = deadLetterQueue
            stored.reason = "unstorable"
        }
        // Label values from the topology and a fixed set only: a letter's headers can't grow
        // the metric without bound.
        let knownReasons: Set<String> = ["worker", "delivery_limit", "rejected", "expired", "maxlen", "unstorable"]
        Counter(label: "switchyard_dead_letters_archived_total", dimensions: [
            ("origin_queue", topology.role(consuming: stored.originQueue) != nil ? stored.originQueue : "other"),
            ("reason", knownReasons.contains(stored.reason) ? stored.reason : "other"),
        ]).increment()
        logger.info("archived dead letter", metadata: [
            "message_id": "\(stored.messageID ?? "-")", "origin_queue": "\(stored.originQueue)",
            "reason": "\(stored.reason)", "error_class": "\(stored.errorClass ?? "-")",
        ])
    }
}
