// Writes handler effects: the inbox row, the handler's rows and the outbox rows of every
// delivery that is ready, in one transaction, never waiting to fill a batch.

import Foundation
import Logging
import Metrics
import Switchyard
import SwitchyardCore
import SwitchyardAMQP
public import SwitchyardPostgres
import Synchronization

/// The result of committing one delivery's effects.
public enum CommitResult: Sendable {
    /// Written and committed: acknowledge.
    case committed
    /// The inbox already held this message: its effects were written before; acknowledge.
    case duplicate
    /// The database refused this delivery's effects (the rest of the batch committed).
    case failed(PostgresError)
    /// Stopped before the database was reachable again; leave the delivery unacknowledged.
    case abandoned
}

/// Commits the effects of many deliveries per transaction.
///
/// Handler tasks call ``commit(consumer:messageID:tenantID:effects:)`` and wait; the committer
/// takes everything waiting at that moment (at most `maxBatch`) into one transaction. Up to
/// `concurrentBatches` transactions run at once, so deliveries that arrive while one commits
/// don't wait for it (two batches touch different messages; a deadlock between them is a
/// transient failure of the deliveries involved). The fast path sends a batch to the database in
/// one round trip (a libpq pipeline: `BEGIN`, the inbox rows, the handlers' statements, the
/// outbox rows, `COMMIT`), or two when an inbox row exists already. If anything in it fails, the batch is
/// redone with a savepoint per delivery (and, should that transaction fail too, one
/// transaction per delivery), so that only the delivery at fault fails. Only a lost database
/// connection is retried, with capped backoff, holding the deliveries unacknowledged while the
/// database can't be reached; a value the database refuses never stalls the batch, and neither
/// does a delivery whose writes take the connection down while the database stays up.
///
/// Follow-ups are written under a lease (``OutboxWriter/leasedStatements(_:tenantID:appID:)``)
/// and handed to the ``FollowUpPublisher`` right after the commit: on the fast path from the
/// database connection's thread, before the batch's task resumes.
final class Committer: Sendable {
    struct Request: Sendable {
        var consumer: String
        var messageID: String
        var tenantID: String?
        var effects: HandlerEffects
        var outcome: CommitOutcome
    }

    private let pool: PostgresPool
    private let outbox: OutboxWriter
    private let followUps: FollowUpPublisher
    private let maxBatch: Int
    private let concurrentBatches: Int
    private let logger: Logger
    private struct Pending {
        var requests: [Request] = []
        var isFinished = false
        /// Batch loops waiting for work (indices into `wakes`): a request wakes one of them,
        /// not all (a loop that is committing takes the request when it looks again).
        var idle: [Int]
    }

    private let pending: Mutex<Pending>
    /// `switchyard_commit_duration_seconds`: one batch transaction, from BEGIN to COMMIT.
    private let commitDuration = Metrics.Timer(label: "switchyard_commit_duration_seconds")
    /// `switchyard_commit_batch_size`: deliveries per transaction.
    private let batchSize = Recorder(label: "switchyard_commit_batch_size")
    /// Commits over ``slowCommit`` (each commit while the database is slow).
    private let slow = ThrottledWarning("slow commit")
    /// Commits slower than this are logged as warnings.
    static let slowCommit = Duration.milliseconds(100)
    /// One wake-up stream per batch loop; a new request wakes an idle one.
    private let wakes: [(stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)]

    /// Creates a committer.
    /// - Parameters:
    ///   - pool: Where to write.
    ///   - outbox: How follow-up events are written.
    ///   - followUps: Publishes each commit's follow-ups right after it.
    ///   - maxBatch: The most deliveries per transaction.
    ///   - concurrentBatches: The most transactions at once (at least 1).
    ///   - logger: For database outages.
    init(
        pool: PostgresPool, outbox: OutboxWriter, followUps: FollowUpPublisher, maxBatch: Int = 500, concurrentBatches: Int = 2,
        logger: Logger
    ) {
        precondition(concurrentBatches > 0, "Committer needs concurrentBatches > 0")
        self.pool = pool
        self.outbox = outbox
        self.followUps = followUps
        self.maxBatch = maxBatch
        self.concurrentBatches = concurrentBatches
        self.logger = logger
        wakes = (0..<concurrentBatches).map { _ in AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1)) }
        pending = Mutex(Pending(idle: Array(0..<concurrentBatches)))
    }

    /// Whether the inbox already holds this message (its effects were committed before).
    /// Used before running the handler again for a redelivered message; a database failure
    /// answers `false` (the commit's own conflict check still stops a second effect).
    public func isDone(consumer: String, messageID: String) async -> Bool {
        let found = try? await pool.withConnection { connection in
            try connection.query(
                "SELECT 1 FROM inbox WHERE consumer = $1 AND message_id = $2", [consumer, messageID]).count
        }
        return (found ?? 0) > 0
    }

    /// Commits one delivery's effects with whatever else is ready, and waits for the outcome.
    ///
    /// When a batch loop is idle, the calling task commits the batch itself in that loop's
    /// place, one batch, and hands the loop back (waking its task when more is waiting): a
    /// lone delivery goes to the database without first waking another task. The committer is
    /// one session's, and its handlers' tasks are cancelled only when the whole session stops:
    /// a cancelled caller abandons only deliveries that session abandons anyway.
    public func commit(consumer: String, messageID: String, tenantID: String?, effects: HandlerEffects) async -> CommitResult {
        let outcome = CommitOutcome()
        let (accepted, idle) = pending.withLock { pending -> (Bool, Int?) in
            guard !pending.isFinished else { return (false, nil) }
            pending.requests.append(Request(
                consumer: consumer, messageID: messageID, tenantID: tenantID, effects: effects, outcome: outcome))
            return (true, pending.idle.popLast())
        }
        guard accepted else { return .abandoned }
        if let idle { await commitOneBatch(as: idle) }
        return await outcome.result()
    }

    /// Commits batches until ``finish()`` or cancellation; then commits what is left (or, when
    /// cancelled while the database is down, abandons it) and returns. Later commits are
    /// abandoned at once.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for (index, wake) in wakes.enumerated() {
                group.addTask {
                    for await _ in wake.stream {
                        await self.drain(as: index)
                    }
                }
            }
        }
        pending.withLock { $0.isFinished = true }
        await drain(as: nil)
    }

    /// Lets ``run()`` return once everything pending is committed.
    public func finish() {
        for wake in wakes { wake.continuation.finish() }
    }

    /// Commits batches until nothing is pending, then marks batch loop `loop` idle (in the
    /// same lock, so no request is left without a loop to take it).
    private func drain(as loop: Int?) async {
        while await commitNextBatch(as: loop) {}
    }

    /// Commits one batch in batch loop `loop`'s place (a caller of ``commit(consumer:messageID:tenantID:effects:)``
    /// that found the loop idle), then gives the loop back: to its task when more is pending,
    /// else marked idle (in the same lock, so no request is left without a loop to take it).
    private func commitOneBatch(as loop: Int) async {
        guard await commitNextBatch(as: loop) else { return }
        let more = pending.withLock { pending -> Bool in
            guard pending.requests.isEmpty else { return true }
            if !pending.idle.contains(loop) { pending.idle.append(loop) }
            return false
        }
        if more { wakes[loop].continuation.yield() }
    }

    /// Takes what is pending (at most `maxBatch`) and commits it; when nothing is, marks batch
    /// loop `loop` idle in the same lock and answers `false`.
    private func commitNextBatch(as loop: Int?) async -> Bool {
        let batch = pending.withLock { pending -> [Request] in
            let batch = Array(pending.requests.prefix(maxBatch))
            pending.requests.removeFirst(batch.count)
            if batch.isEmpty, let loop, !pending.idle.contains(loop) { pending.idle.append(loop) }
            return batch
        }
        guard !batch.isEmpty else { return false }
        let results = await commitWithRetry(batch)
        for (request, result) in zip(batch, results) {
            request.outcome.settle(result)
        }
        return true
    }

    /// Commits the batch, holding it through database outages. A lost connection is an outage
    /// while the database can't be reached; when a freshly opened connection answers at once,
    /// the batch's own writes may have taken the connection down (a value that makes the
    /// server end the session, a crash of its backend). Then the batch is tried once more
    /// whole, then one delivery at a time, and a delivery that takes the connection down
    /// ``connectionLossesBeforeFailing`` times, the database answering after each, fails
    /// alone: its batch never waits on it for good.
    private func commitWithRetry(_ batch: [Request]) async -> [CommitResult] {
        var backoff = Duration.milliseconds(100)
        var losses = 0
        while true {
            let lost: any Error
            do {
                return try await commit(batch)
            } catch is CancellationError {
                // Stopping (the session ended): nothing was written; the deliveries return to
                // their queues unacknowledged.
                return Array(repeating: .abandoned, count: batch.count)
            } catch {
                lost = error
            }
            // Only a connection that closed under the commit may be the batch's doing; one that
            // could not be opened or lent is an outage (or a busy pool) whatever a probe says.
            if (lost as? PostgresError)?.code == .connectionClosed, await databaseAnswers() {
                losses += 1
                if batch.count == 1, losses >= Self.connectionLossesBeforeFailing {
                    logger.error("this delivery's commit took the database connection down each time; failing it", metadata: [
                        "message_id": "\(batch[0].messageID)", "losses": "\(losses)", "error": "\(lost)",
                    ])
                    return [.failed(PostgresError(
                        .connectionClosed,
                        "the database closed the connection each of the \(losses) times this delivery's effects were committed, "
                            + "and answered at once after each: \(lost)"))]
                }
                logger.warning("the connection was lost committing while the database answers; committing again", metadata: [
                    "deliveries": "\(batch.count)", "losses": "\(losses)", "error": "\(lost)",
                ])
                if batch.count > 1, losses >= 2 {
                    logger.warning("committing the batch's deliveries one at a time", metadata: ["deliveries": "\(batch.count)"])
                    var results: [CommitResult] = []
                    for request in batch { results += await commitWithRetry([request]) }
                    return results
                }
                continue
            }
            logger.warning("database unavailable; holding \(batch.count) deliveries", metadata: ["error": "\(lost)"])
            do {
                try await Task.sleep(for: backoff)
            } catch {
                return Array(repeating: .abandoned, count: batch.count)
            }
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// How many times a delivery committed on its own may take the connection down, with the
    /// database answering a fresh connection after each, before it fails as a lost connection.
    static let connectionLossesBeforeFailing = 3

    /// Whether the database answers a connection opened now (the idle ones are closed first:
    /// whatever ended the lost connection may have ended them too).
    private func databaseAnswers() async -> Bool {
        await pool.closeIdleConnections()
        let answered = try? await pool.withConnection { connection in
            try connection.query("SELECT 1").count
        }
        return answered == 1
    }

    /// Commits the batch: all together, else (something in it failed) one savepoint per
    /// delivery, else (the transaction itself failed) one transaction per delivery, so that a
    /// delivery whose values the database refuses fails alone and the others commit. Each
    /// transaction's follow-ups go to the ``FollowUpPublisher`` as soon as it has committed.
    /// - Throws: Only connection-level ``PostgresError``s, after which the batch is retried, and
    ///   `CancellationError`, after which it is abandoned.
    private func commit(_ batch: [Request]) async throws -> [CommitResult] {
        let started = ContinuousClock.now
        defer {
            let took = ContinuousClock.now - started
            commitDuration.recordNanoseconds(took.nanoseconds)
            batchSize.record(batch.count)
            if took > Self.slowCommit {
                slow.log(to: logger, metadata: ["duration_ms": "\(took / .milliseconds(1))", "deliveries": "\(batch.count)"])
            }
        }
        let outbox = outbox
        let followUps = followUps
        do {
            return try await pool.withConnection { connection in
                // The follow-ups go to the broker from the connection's thread, as the COMMIT
                // returns, without waiting for this task to resume.
                let written = try Self.writeTogether(batch, outbox: outbox, on: connection)
                followUps.publish(written.followUps)
                return written.results
            }
        } catch let error as PostgresError where error.isConnectionLevel {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            logger.debug("a delivery of the batch failed; committing one savepoint per delivery", metadata: ["error": "\(error)"])
        }
        do {
            let written = try await pool.withTransaction { connection in
                try Self.writeOneByOne(batch, outbox: outbox, on: connection)
            }
            followUps.publish(written.followUps)
            return written.results
        } catch let error as PostgresError where error.isConnectionLevel {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            logger.warning("the batch's transaction failed; committing one transaction per delivery", metadata: ["error": "\(error)"])
        }
        var results: [CommitResult] = []
        for request in batch {
            do {
                let one = try await pool.withTransaction { connection in
                    try Self.writeOneByOne([request], outbox: outbox, on: connection)
                }
                followUps.publish(one.followUps)
                results += one.results
            } catch let error as PostgresError where error.isConnectionLevel {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                results.append(.failed(Self.postgresError(error)))
            }
        }
        return results
    }

    /// The fast path. When no handler gave a `write` closure, first in one round trip: `BEGIN`,
    /// the inbox rows, every delivery's statements and outbox rows, `COMMIT`; an inbox row that
    /// exists already (a redelivery) fails it, and so does anything else, and then the batch
    /// goes the careful way: in two round trips, `BEGIN` with the inbox rows (which say which
    /// deliveries are new), then every new delivery's statements and outbox rows with `COMMIT`.
    /// Handlers' `write` closures run in between.
    private static func writeTogether(
        _ batch: [Request], outbox: OutboxWriter, on connection: isolated PostgresConnection
    ) throws -> Written {
        var consumers: [String] = []
        for request in batch where !consumers.contains(request.consumer) { consumers.append(request.consumer) }
        let idLists = consumers.map { consumer in
            JSONValue.array(batch.filter { $0.consumer == consumer }.map { .string($0.messageID) }).jsonText
        }
        if batch.allSatisfy({ $0.effects.write == nil }) {
            do {
                var statements = [PostgresStatement("BEGIN")]
                for (consumer, ids) in zip(consumers, idLists) {
                    statements.append(PostgresStatement(
                        "INSERT INTO inbox (consumer, message_id) SELECT $1, id FROM jsonb_array_elements_text($2::jsonb) AS ids(id)",
                        [consumer, ids]))
                }
                var leased: [LeasedRow] = []
                for request in batch {
                    statements += request.effects.statements
                    try appendFollowUps(of: request, outbox: outbox, to: &statements, leased: &leased)
                }
                let committed = try connection.queryPipelined(statements + [PostgresStatement("COMMIT")])
                if committed.last?.commandTag == "COMMIT" {
                    return Written(
                        results: Array(repeating: .committed, count: batch.count), followUps: committedRows(leased, in: committed))
                }
            } catch let error as PostgresError where error.isConnectionLevel {
                throw error
            } catch {
                // A redelivered message's inbox row, or a statement the careful way reports.
            }
            connection.rollBack()
        }
        do {
            let inserts = zip(consumers, idLists).map { consumer, ids in
                PostgresStatement(
                    """
                    INSERT INTO inbox (consumer, message_id)
                    SELECT $1, id FROM jsonb_array_elements_text($2::jsonb) AS ids(id)
                    ON CONFLICT DO NOTHING RETURNING message_id
                    """, [consumer, ids])
            }
            let inserted = try connection.queryPipelined([PostgresStatement("BEGIN")] + inserts)
            var fresh = Set<InboxKey>()
            for (consumer, rows) in zip(consumers, inserted.dropFirst()) {
                for row in rows { fresh.insert(InboxKey(consumer: consumer, messageID: try row.decode(String.self, at: 0))) }
            }
            var results: [CommitResult] = []
            var statements: [PostgresStatement] = []
            var leased: [LeasedRow] = []
            for request in batch {
                // `remove`: a message delivered twice into one batch has its effects written once.
                guard fresh.remove(InboxKey(consumer: request.consumer, messageID: request.messageID)) != nil else {
                    results.append(.duplicate)
                    continue
                }
                try request.effects.write?(connection)
                statements += request.effects.statements
                try appendFollowUps(of: request, outbox: outbox, to: &statements, leased: &leased)
                results.append(.committed)
            }
            let committed = try connection.queryPipelined(statements + [PostgresStatement("COMMIT")])
            guard committed.last?.commandTag == "COMMIT" else {
                throw PostgresError(.server, "the transaction was rolled back (COMMIT answered \(committed.last?.commandTag ?? "nothing"))")
            }
            return Written(results: results, followUps: committedRows(leased, in: committed))
        } catch {
            connection.rollBack()
            throw error
        }
    }

    /// Writes each delivery under its own savepoint: one whose writes fail is rolled back to
    /// it and reported `failed`; a lost connection ends the whole transaction.
    private static func writeOneByOne(
        _ batch: [Request], outbox: OutboxWriter, on connection: isolated PostgresConnection
    ) throws -> Written {
        var written = Written(results: [])
        for request in batch {
            try connection.execute("SAVEPOINT sy_delivery")
            do {
                let inserted = try connection.execute(
                    "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    [request.consumer, request.messageID])
                var rows: [LeasedOutboxRow] = []
                if inserted == 1 {
                    try request.effects.write?(connection)
                    for statement in request.effects.statements { try connection.execute(statement.sql, statement.parameters) }
                    rows = try outbox.insertLeased(
                        request.effects.followUps, tenantID: request.tenantID, appID: FollowUpPublisher.appID, on: connection)
                }
                try connection.execute("RELEASE SAVEPOINT sy_delivery")
                written.results.append(inserted == 1 ? .committed : .duplicate)
                written.followUps += rows
            } catch let error as PostgresError where error.isConnectionLevel {
                throw error
            } catch {
                try connection.execute("ROLLBACK TO SAVEPOINT sy_delivery")
                written.results.append(.failed(postgresError(error)))
            }
        }
        return written
    }

    /// Appends the request's leased outbox inserts to `statements`, noting each in `leased`.
    private static func appendFollowUps(
        of request: Request, outbox: OutboxWriter, to statements: inout [PostgresStatement], leased: inout [LeasedRow]
    ) throws {
        for (statement, message) in try outbox.leasedStatements(
            request.effects.followUps, tenantID: request.tenantID, appID: FollowUpPublisher.appID)
        {
            leased.append(LeasedRow(statement: statements.count, message: message))
            statements.append(statement)
        }
    }

    /// The leased rows' ids from the statements' results, with their messages. Runs after the
    /// commit, so it does not throw: a row whose id can't be read is left to the relay, which
    /// takes it once its lease has passed.
    private static func committedRows(_ leased: [LeasedRow], in results: [PostgresRows]) -> [LeasedOutboxRow] {
        leased.compactMap { row in
            guard let id = try? results[row.statement].first?.decode(Int64.self, at: 0) else { return nil }
            return LeasedOutboxRow(id: id, message: row.message)
        }
    }

    /// A handler's write failure as a ``PostgresError`` (it usually is one).
    private static func postgresError(_ error: any Error) -> PostgresError {
        error as? PostgresError ?? PostgresError(.server, "the handler's write failed: \(error)")
    }
}

private struct InboxKey: Hashable {
    var consumer: String
    var messageID: String
}

/// What a write did: each delivery's result, and the follow-ups to publish after the commit.
private struct Written {
    var results: [CommitResult]
    var followUps: [LeasedOutboxRow] = []
}

/// A leased outbox row's insert (its index among the statements sent) and its message.
private struct LeasedRow {
    var statement: Int
    var message: AMQPOutgoingMessage
}
