// A worker's follow-ups published by the worker itself, right after the commit that wrote them;
// the outbox relay stays the safety net.

import Foundation
public import Logging
import Metrics
public import Switchyard
public import SwitchyardAMQP
public import SwitchyardPostgres
import Synchronization

/// Publishes the follow-ups a worker's committer has just committed, on the worker's confirm
/// channel, and marks their outbox rows sent once the broker confirmed them; the ingress uses
/// one for the first events of the jobs it creates, on its shared publishing connection.
///
/// The writer writes such rows with a lease (`relay_after`, ``OutboxWriter/lease``), so no
/// relay publishes them meanwhile: the next stage's consumer gets the event without waiting
/// for a relay to wake up and claim the row. Publishes don't wait for each other: each
/// commit's follow-ups go out at once, while earlier ones wait for their confirms. A row the
/// broker refused, or that could not be published, gets its lease back (`relay_after` in the
/// past) and a relay wakes for it; a row of a process that died before publishing or marking
/// it is a relay's once the lease has passed (the inboxes absorb a second publish). On a
/// worker's channel, a closed channel or connection ends the worker's session (``run()``
/// throws), as a failed retry publish does, so the next session publishes on a fresh channel.
/// One task marks the confirmed rows, all that were confirmed since it last looked, in one
/// statement and at most every ``markInterval``: the marks take a database connection a few
/// times a second, not once per commit (the handlers and the committer share the pool).
///
/// Metrics: `switchyard_followups_published_total` (published and confirmed here; the relay's
/// `switchyard_outbox_published_total` counts the rest).
public final class FollowUpPublisher: LeasedOutboxPublisher {
    /// Publishes messages with confirms and reports each one's outcome, in order.
    public typealias Publish = @Sendable ([AMQPOutgoingMessage]) async -> [Result<Void, AMQPError>]

    /// The application id in a worker's messages' properties.
    static let appID = "switchyard-worker"

    /// The least time between two marks. A worker that dies leaves at most this much confirmed
    /// and unmarked, which a relay publishes again after the lease (the inboxes absorb it).
    static let markInterval = Duration.milliseconds(200)

    private let send: Publish
    /// Whether a closed channel or connection ends ``run()`` (a worker's session).
    private let endsWhenClosed: Bool
    private let pool: PostgresPool
    private let signal: OutboxSignal?
    private let logger: Logger
    private let pending = Mutex<[LeasedOutboxRow]>([])
    private let wake = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    /// Rows confirmed by the broker and not yet marked sent, with the time of their confirm.
    private let confirmed = Mutex<[Confirmed]>([])
    private let confirmation = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    private let published = Counter(label: "switchyard_followups_published_total")

    /// Creates a worker session's publisher: a closed channel or connection ends ``run()``.
    /// - Parameters:
    ///   - channel: A confirm channel.
    ///   - pool: Where the outbox rows are.
    ///   - signal: Wakes this process's relay for a row given back; nil: `NOTIFY sy_outbox`.
    ///   - logger: For publishes that failed.
    convenience init(channel: AMQPChannel, pool: PostgresPool, signal: OutboxSignal?, logger: Logger) {
        self.init(publish: { await channel.publish($0) }, endsWhenClosed: true, pool: pool, signal: signal, logger: logger)
    }

    /// Creates a publisher on a connection that reconnects by itself (the ingress's shared
    /// one): ``run()`` only ends after ``finish()``.
    /// - Parameters:
    ///   - publish: Publishes with confirms.
    ///   - pool: Where the outbox rows are.
    ///   - signal: Wakes this process's relay for a row given back; nil: `NOTIFY sy_outbox`.
    ///   - logger: For publishes that failed.
    public convenience init(publish: @escaping Publish, pool: PostgresPool, signal: OutboxSignal?, logger: Logger) {
        self.init(publish: publish, endsWhenClosed: false, pool: pool, signal: signal, logger: logger)
    }

    private init(publish: @escaping Publish, endsWhenClosed: Bool, pool: PostgresPool, signal: OutboxSignal?, logger: Logger) {
        self.send = publish
        self.endsWhenClosed = endsWhenClosed
        self.pool = pool
        self.signal = signal
        self.logger = logger
    }

    /// Publishes committed rows (returns at once; ``run()`` publishes them).
    public func publish(_ rows: [LeasedOutboxRow]) {
        guard !rows.isEmpty else { return }
        pending.withLock { $0 += rows }
        wake.continuation.yield()
    }

    /// Publishes rows as they come until ``finish()``, then what is left, and returns once every
    /// publish has its confirm and its mark. When cancelled, rows not yet published wait for
    /// their lease to pass.
    /// - Throws: On a worker's channel, `SessionFailure` when the channel or its connection
    ///   closed (the rows of that publish are given back first).
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { marking in
            marking.addTask { await self.markConfirmedRows() }
            defer { confirmation.continuation.finish() }
            try await withThrowingDiscardingTaskGroup { publishing in
                for await _ in wake.stream {
                    let rows = pending.withLock { rows in
                        defer { rows = [] }
                        return rows
                    }
                    if !rows.isEmpty { publishing.addTask { try await self.publishNow(rows) } }
                }
                let rest = pending.withLock { rows in
                    defer { rows = [] }
                    return rows
                }
                if !rest.isEmpty && !Task.isCancelled { try await publishNow(rest) }
            }
        }
    }

    /// Lets ``run()`` return once what was handed over is published.
    public func finish() {
        wake.continuation.finish()
    }

    /// Publishes rows and waits for the confirms; hands the confirmed ones to the marking task
    /// and gives the others back.
    /// - Throws: ``SessionFailure`` when the channel or its connection closed, on a worker's channel.
    private func publishNow(_ rows: [LeasedOutboxRow]) async throws {
        let outcomes = await send(rows.map(\.message))
        var sent: [Int64] = []
        var unsent: [Int64] = []
        var failure: AMQPError?
        for (row, outcome) in zip(rows, outcomes) {
            switch outcome {
            case .success: sent.append(row.id)
            case .failure(let error):
                unsent.append(row.id)
                failure = error
            }
        }
        if !sent.isEmpty {
            published.increment(by: sent.count)
            let at = Date().timeIntervalSince1970
            confirmed.withLock { $0 += sent.map { Confirmed(id: $0, at: at) } }
            confirmation.continuation.yield()
        }
        if let failure {
            logger.warning("follow-ups not published; the relay takes them over", metadata: [
                "rows": "\(unsent.count)", "error": "\(failure)",
            ])
            do {
                try await giveBack(unsent)
            } catch {
                logger.warning("follow-ups could not be given back; the relay takes them when their lease passes", metadata: [
                    "error": "\(error)",
                ])
            }
            if endsWhenClosed && (failure.code == .channelClosed || failure.code == .connectionClosed) {
                // Ends the loop in run() (what waits is given back by the last publish); rows
                // committed later wait for their lease while the session starts again.
                wake.continuation.finish()
                throw SessionFailure(description: "publishing follow-ups failed: \(failure)")
            }
        }
    }

    /// Marks what is confirmed, as it comes, until the publishing ends, then the rest.
    private func markConfirmedRows() async {
        var marked = ContinuousClock.now - Self.markInterval
        for await _ in confirmation.stream {
            let wait = marked + Self.markInterval - ContinuousClock.now
            if wait > .zero { try? await Task.sleep(for: wait) }
            marked = ContinuousClock.now
            await markConfirmed()
        }
        await markConfirmed()
    }

    private func markConfirmed() async {
        let rows = confirmed.withLock { rows in
            defer { rows = [] }
            return rows
        }
        guard !rows.isEmpty else { return }
        do {
            try await mark(rows)
        } catch {
            // The rows stay unmarked: a relay publishes them again once the lease has passed.
            logger.warning("published follow-ups could not be marked sent", metadata: ["rows": "\(rows.count)", "error": "\(error)"])
        }
    }

    /// Marks rows sent as of their confirm (`published_at`, as the relay sets it); no WAL flush
    /// (a mark lost in a crash only publishes the row again).
    private func mark(_ rows: [Confirmed]) async throws {
        let list = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        let update = PostgresStatement(
            """
            UPDATE outbox o SET published_at = to_timestamp(c.at)
            FROM jsonb_to_recordset($1::jsonb) AS c(id bigint, at double precision)
            WHERE o.id = c.id AND o.published_at IS NULL
            """, [list])
        _ = try await pool.withConnection { connection in try connection.commitWithoutFlush([update]).count }
    }

    /// Ends the rows' lease and wakes the relays.
    private func giveBack(_ ids: [Int64]) async throws {
        let list = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        var statements = [
            PostgresStatement(
                """
                UPDATE outbox SET relay_after = '-infinity'
                WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb)) AND published_at IS NULL
                """, [list]),
        ]
        if signal == nil { statements.append(OutboxWriter.notifyStatement) }
        let given = statements
        _ = try await pool.withConnection { connection in try connection.queryPipelined(given).count }
        signal?.poke()
    }
}

/// A row the broker confirmed, and when (seconds since 1970).
private struct Confirmed: Encodable {
    var id: Int64
    var at: Double
}
