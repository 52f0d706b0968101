// `switchyard relay` (and inside every worker): publishes committed outbox rows with
// confirms, then marks them sent. A row is never lost between a commit and its publish.

import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
import Switchyard
public import SwitchyardAMQP
import SwitchyardCore
public import SwitchyardPostgres

/// Publishes pending outbox rows with publisher confirms and marks them sent.
///
/// Rows are claimed with `FOR UPDATE SKIP LOCKED`, so any number of relays share the work and a
/// row is published by one at a time; a row is marked sent only after the broker confirmed it,
/// so a relay that dies between publish and mark leads to a second publish of the same
/// `message_id`, which consumers' inboxes absorb. Rows under a lease (`relay_after`: a worker
/// publishes them itself right after its commit) are left alone until it passes. New rows wake
/// the relay through `NOTIFY sy_outbox` (and, from committers in the same process, through an
/// ``OutboxSignal``); it also looks every second. `published_at` is the time the broker's confirm arrived.
/// A row the broker refuses (no queue takes it, or it can't be encoded) waits one second more
/// after each failure, up to a minute, so refused rows can't fill every batch and hold up the rest.
///
/// Metrics: `switchyard_outbox_published_total`, and `switchyard_outbox_backlog` (rows not yet
/// published, counted at most every five seconds).
public struct OutboxRelay: Service {
    let pool: PostgresPool
    let databaseURL: String
    let amqp: AMQPConnection.Configuration
    let batchSize: Int
    let signal: OutboxSignal
    let logger: Logger
    private let published = Counter(label: "switchyard_outbox_published_total")
    private let backlog = Gauge(label: "switchyard_outbox_backlog")
    /// A pass with rows the broker refused (each pass while a binding is missing).
    private let notPublished = ThrottledWarning("outbox rows could not be published; each waits longer before its next try")

    /// Creates a relay.
    /// - Parameters:
    ///   - pool: The database.
    ///   - databaseURL: For the LISTEN connection.
    ///   - amqp: The broker.
    ///   - batchSize: Rows claimed per transaction.
    ///   - signal: Pokes from this process's committers (new rows, without the NOTIFY's round trip).
    ///   - logger: Where to log.
    public init(
        pool: PostgresPool, databaseURL: String, amqp: AMQPConnection.Configuration, batchSize: Int = 200,
        signal: OutboxSignal = OutboxSignal(), logger: Logger
    ) {
        self.pool = pool
        self.databaseURL = databaseURL
        self.amqp = amqp
        self.batchSize = batchSize
        self.signal = signal
        self.logger = logger
    }

    /// How long a relayed row waits for the broker's confirm. A queue that confirms nothing (it
    /// lost its quorum) then fails its rows, which are tried again later like refused ones,
    /// instead of holding the rows of every other queue, and the relay's stop, for as long as
    /// it stalls. The broker may still take a timed-out message: the next try publishes it
    /// again with the same message id, which inboxes absorb.
    static let confirmTimeout = Duration.seconds(10)

    public func run() async throws {
        await SessionSupervisor(name: "outbox relay", logger: logger).run { stop in
            try await session(until: stop)
        }
    }

    private func session(until stop: StopSignal) async throws {
        var amqp = amqp
        amqp.connectionName = "switchyard relay"
        amqp.confirmTimeout = Self.confirmTimeout
        let connection = try await AMQPConnection.connect(amqp)
        let listener: PostgresListener
        do {
            listener = try await PostgresListener.listen(url: databaseURL, channels: [OutboxWriter.notificationChannel])
        } catch {
            await connection.close()
            throw error
        }
        let wake = signal.wakeUp
        do {
            let channel = try await connection.openChannel(confirms: true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await _ in listener.notifications { wake.poke() }
                    throw SessionFailure(description: "the LISTEN connection ended")
                }
                group.addTask {
                    var backlogCounted = ContinuousClock.now - .seconds(60)
                    while !stop.isTriggered {
                        let published = try await relayOnce(on: channel)
                        if ContinuousClock.now - backlogCounted >= .seconds(5) {
                            try await countBacklog()
                            backlogCounted = ContinuousClock.now
                        }
                        if published < batchSize { await wake.wait(atMost: .seconds(1), or: stop) }
                    }
                    // Shutting down: what was committed until now (a draining worker's
                    // follow-ups) goes out before the connections close.
                    while try await relayOnce(on: channel) == batchSize {}
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            await listener.close()
            await connection.close()
            throw error
        }
        await listener.close()
        await connection.close()
    }

    /// Records how many rows wait to be published.
    private func countBacklog() async throws {
        let count = try await pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM outbox WHERE published_at IS NULL")[0].decode(Int.self, at: 0)
        }
        backlog.record(count)
    }

    /// Claims up to `batchSize` pending rows, publishes them, marks the confirmed ones sent.
    /// - Returns: How many rows were published.
    func relayOnce(on channel: AMQPChannel) async throws -> Int {
        let batchSize = batchSize
        // One round trip before the publish: BEGIN, the commit setting and the claim travel
        // together. The marks need no WAL flush: a mark lost in a crash only publishes the
        // row's message id again, which inboxes absorb.
        let claim = [
            PostgresStatement("SET LOCAL synchronous_commit = off"),
            PostgresStatement(
                """
                SELECT id, exchange, routing_key, message_id, properties::text, body, tenant_id::text
                FROM outbox WHERE published_at IS NULL AND relay_after <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, [batchSize]),
        ]
        let (published, failure) = try await pool.withTransaction(startingWith: claim) { connection, claimed -> (Int, AMQPError?) in
            let rows = claimed[1]
            guard !rows.isEmpty else { return (0, nil) }
            var ids: [Int64] = []
            var messages: [AMQPOutgoingMessage] = []
            for row in rows {
                let properties = try JSONDecoder().decode(
                    OutboxProperties.self, from: Data(try row.decode(String.self, at: 4).utf8))
                let event = OutgoingEvent(
                    type: try properties.type ?? row.decode(String.self, at: 2), body: try row.decode([UInt8].self, at: 5),
                    messageID: try row.decode(String.self, at: 3), correlationID: properties.correlationID,
                    tenantID: try row.decode(String?.self, at: 6), traceparent: properties.traceparent, delay: properties.delay)
                ids.append(try row.decode(Int64.self, at: 0))
                messages.append(event.message(exchange: try row.decode(String.self, at: 1), appID: "switchyard-relay"))
            }
            let outcomes = await channel.publish(messages)
            var sent: [Int64] = []
            var lastFailure: AMQPError?
            for (id, outcome) in zip(ids, outcomes) {
                switch outcome {
                case .success:
                    sent.append(id)
                case .failure(let error):
                    lastFailure = error
                    // Out of the next passes for a while (1 s more after each failure, up to a
                    // minute), so that rows the broker keeps refusing can't fill every batch.
                    try connection.execute(
                        """
                        UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                            relay_after = clock_timestamp() + make_interval(secs => least(attempts + 1, 60))
                        WHERE id = $1
                        """, [id, "\(error)"])
                }
            }
            if !sent.isEmpty {
                let json = String(decoding: try JSONEncoder().encode(sent), as: UTF8.self)
                try connection.execute(
                    """
                    UPDATE outbox SET published_at = clock_timestamp()
                    WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))
                    """, [json])
            }
            return (sent.count, lastFailure)
        }
        if let failure, failure.code == .connectionClosed || failure.code == .channelClosed {
            throw SessionFailure(description: "publishing outbox rows failed: \(failure)")
        }
        if let failure {
            notPublished.log(to: logger, metadata: ["error": "\(failure)"])
        }
        if published > 0 { self.published.increment(by: published) }
        return published
    }
}
