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
/// for a relay to wake up and claim the row. ``publish(_:)`` hands the messages to the
/// connection's thread at once, from the thread that committed them (the committer calls it on
/// its database connection's thread), so a follow-up reaches the broker without passing through
/// a task; publishes don't wait for each other's confirms. A row the broker refused, or that
/// could not be published, gets its lease back (`relay_after` in the past) and a relay wakes for
/// it; a row of a process that died before publishing or marking it is a relay's once the lease
/// has passed (the inboxes absorb a second publish). On a worker's channel, a closed channel or
/// connection ends the worker's session (``run()`` throws), as a failed retry publish does, so
/// the next session publishes on a fresh channel. One task marks the confirmed rows, all that
/// were confirmed since it last looked, in one statement and at most every ``markInterval``:
/// the marks take a database connection a few times a second, not once per commit (the
/// handlers and the committer share the pool).
///
/// Metrics: `switchyard_followups_published_total` (published and confirmed here; the relay's
/// `switchyard_outbox_published_total` counts the rest).
public final class FollowUpPublisher: LeasedOutboxPublisher {
    /// Publishes messages with confirms without waiting, and reports each one's outcome, in
    /// order, once all are known (from any thread; the reporting must not block).
    typealias Publish = @Sendable (
        [AMQPOutgoingMessage], _ outcomes: @escaping @Sendable ([Result<Void, AMQPError>]) -> Void
    ) -> Void

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
    /// Publishes awaiting their outcomes, and whether ``finish()`` was called.
    private let progress = Mutex(Progress())
    /// Publishes that failed, for ``run()`` to give their rows back; finished once ``finish()``
    /// was called and no publish awaits its outcome.
    private let failures = AsyncStream.makeStream(of: FailedPublish.self)
    /// Rows confirmed by the broker and not yet marked sent, with the time of their confirm.
    private let confirmed = Mutex<[Confirmed]>([])
    private let confirmation = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    private let published = Counter(label: "switchyard_followups_published_total")
    /// The warnings a refusing broker or a failing database would repeat per publish or mark.
    private let notPublished = ThrottledWarning("follow-ups not published; the relay takes them over")
    private let notGivenBack = ThrottledWarning("follow-ups could not be given back; the relay takes them when their lease passes")
    private let notMarked = ThrottledWarning("published follow-ups could not be marked sent")

    /// Creates a worker session's publisher: a closed channel or connection ends ``run()``.
    /// - Parameters:
    ///   - channel: A confirm channel.
    ///   - pool: Where the outbox rows are.
    ///   - signal: Wakes this process's relay for a row given back; nil: `NOTIFY sy_outbox`.
    ///   - logger: For publishes that failed.
    convenience init(channel: AMQPChannel, pool: PostgresPool, signal: OutboxSignal?, logger: Logger) {
        self.init(
            publish: { channel.publish($0, outcomes: $1) }, endsWhenClosed: true, pool: pool, signal: signal, logger: logger)
    }

    /// Creates a publisher on a connection that reconnects by itself (the ingress's shared
    /// one): ``run()`` only ends after ``finish()``.
    /// - Parameters:
    ///   - publish: Publishes with confirms and waits for the outcomes (a task per hand-over
    ///     runs it).
    ///   - pool: Where the outbox rows are.
    ///   - signal: Wakes this process's relay for a row given back; nil: `NOTIFY sy_outbox`.
    ///   - logger: For publishes that failed.
    public convenience init(
        publish: @escaping @Sendable ([AMQPOutgoingMessage]) async -> [Result<Void, AMQPError>],
        pool: PostgresPool, signal: OutboxSignal?, logger: Logger
    ) {
        self.init(
            publish: { messages, outcomes in Task { outcomes(await publish(messages)) } },
            endsWhenClosed: false, pool: pool, signal: signal, logger: logger)
    }

    private init(publish: @escaping Publish, endsWhenClosed: Bool, pool: PostgresPool, signal: OutboxSignal?, logger: Logger) {
        self.send = publish
        self.endsWhenClosed = endsWhenClosed
        self.pool = pool
        self.signal = signal
        self.logger = logger
    }

    /// Publishes committed rows: hands them to the connection at once and returns.
    public func publish(_ rows: [LeasedOutboxRow]) {
        guard !rows.isEmpty else { return }
        progress.withLock { $0.inFlight += 1 }
        send(rows.map(\.message)) { outcomes in self.settle(rows, outcomes) }
    }

    /// Marks rows until ``finish()`` and every publish handed over before it has its outcome,
    /// gives back the rows of publishes that failed, and returns once the confirmed rows are
    /// marked. When cancelled, rows whose publish failed wait for their lease to pass.
    /// - Throws: On a worker's channel, `SessionFailure` when the channel or its connection
    ///   closed (the rows of that publish are given back first).
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { marking in
            marking.addTask { await self.markConfirmedRows() }
            defer { confirmation.continuation.finish() }
            for await failure in failures.stream {
                try await recover(from: failure)
            }
        }
    }

    /// Lets ``run()`` return now, without the outcomes of the publishes still awaiting them (a
    /// queue that confirms nothing while the worker stops): their rows stay under their lease,
    /// and a relay publishes them once it has passed (the inboxes absorb a copy the broker took
    /// late). The rows confirmed until now are still marked; outcomes that come later change
    /// nothing.
    /// - Returns: How many publishes were still awaiting their outcomes.
    func abandonUnconfirmed() -> Int {
        let abandoned = progress.withLock { progress in
            progress.isFinishing = true
            return progress.inFlight
        }
        failures.continuation.finish()
        return abandoned
    }

    /// Lets ``run()`` return once every publish handed over has its outcome.
    public func finish() {
        let idle = progress.withLock { progress in
            progress.isFinishing = true
            return progress.inFlight == 0
        }
        if idle { failures.continuation.finish() }
    }

    /// Notes a publish's outcomes (on the connection's thread): the confirmed rows go to the
    /// marking task, the others to ``run()``.
    private func settle(_ rows: [LeasedOutboxRow], _ outcomes: [Result<Void, AMQPError>]) {
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
        if let failure { failures.continuation.yield(FailedPublish(ids: unsent, error: failure)) }
        let idle = progress.withLock { progress in
            progress.inFlight -= 1
            return progress.isFinishing && progress.inFlight == 0
        }
        if idle { failures.continuation.finish() }
    }

    /// Gives a failed publish's rows back to the relays.
    /// - Throws: ``SessionFailure`` when the channel or its connection closed, on a worker's channel.
    private func recover(from failure: FailedPublish) async throws {
        notPublished.log(to: logger, count: failure.ids.count, metadata: ["error": "\(failure.error)"])
        do {
            try await giveBack(failure.ids)
        } catch {
            notGivenBack.log(to: logger, count: failure.ids.count, metadata: ["error": "\(error)"])
        }
        if endsWhenClosed && (failure.error.code == .channelClosed || failure.error.code == .connectionClosed) {
            // Rows committed later fail on the closed channel and wait for their lease while
            // the session starts again.
            throw SessionFailure(description: "publishing follow-ups failed: \(failure.error)")
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
            notMarked.log(to: logger, count: rows.count, metadata: ["error": "\(error)"])
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

/// How many publishes await their outcomes, and whether the publisher is finishing.
private struct Progress {
    var inFlight = 0
    var isFinishing = false
}

/// The rows of a publish the broker refused or that could not be sent, and why.
private struct FailedPublish: Sendable {
    var ids: [Int64]
    var error: AMQPError
}

/// A row the broker confirmed, and when (seconds since 1970).
private struct Confirmed: Encodable {
    var id: Int64
    var at: Double
}
