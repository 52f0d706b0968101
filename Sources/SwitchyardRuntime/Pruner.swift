// Deletes rows older than their retention windows, one short batch at a time.

import Metrics
public import SwitchyardPostgres

/// Deletes what ``RetentionPolicy`` says is old enough, or counts it (a dry run):
///
/// - `outbox`: rows sent (`published_at`) longer ago than the window; unsent rows never;
/// - `inbox`: rows processed longer ago;
/// - `webhook_receipts`: receipts received longer ago;
/// - `idempotency_keys`: keys created longer ago;
/// - `automation_executions`: executions whose status is final (``finalStatuses``) since longer
///   ago (`completed_at`, or `started_at` for one that failed before it had a job);
/// - `jobs`: jobs whose status is final since longer ago (`completed_at`), and their steps with
///   them (`ON DELETE CASCADE`); an execution kept longer keeps its log and loses its `job_id`;
/// - `live_updates`: every update of a job, project, generation or execution that is not
///   unfinished (its status is final, or it is gone) and whose last update is older than the
///   window; an unfinished subject keeps all of its updates, and a finished one keeps them all
///   until its last is old, so a stream replayed from the start has no gaps;
/// - `api_usage`: calls logged longer ago;
/// - `dead_letters`: letters an operator last replayed or discarded longer ago; a letter no
///   operator has acted on stays, however old;
/// - `operator_actions`: actions taken longer ago;
/// - `probe_results`: probes recorded longer ago.
///
/// A table whose window is `never` is left alone.
///
/// Each batch is one statement, `DELETE ... WHERE ctid = ANY(ARRAY(SELECT ctid ... LIMIT n))`,
/// in a transaction of its own, so row locks last one batch; batches go on until one deletes
/// fewer than ``batchSize`` rows. The oldest rows are found through the time indexes of
/// `0007_retention.sql` and `0019_retention_of_history.sql`, and times are the database's (`now()`). A row that someone changes
/// while a batch runs is skipped (its new version has another `ctid`) and looked at again next
/// time. Several pruners may run at once: a row is deleted by one of them.
public struct Pruner: Sendable {
    /// What one table's pruning did (or would do).
    public struct Count: Sendable, Equatable {
        /// The table.
        public var table: RetentionPolicy.Table
        /// Its window (nil: the table is kept whole).
        public var window: Duration?
        /// The rows deleted (a dry run: that would be deleted).
        public var rows: Int
    }

    /// The statuses after which a job, project or generation never changes again.
    public static let finalStatuses = ["completed", "failed", "cancelled"]

    /// The windows.
    public let policy: RetentionPolicy
    /// The most rows one statement deletes.
    public let batchSize: Int
    private let pool: PostgresPool

    /// Creates a pruner.
    /// - Parameters:
    ///   - policy: The windows.
    ///   - pool: The database (one connection is used at a time).
    ///   - batchSize: The most rows one statement deletes (at least 1).
    public init(policy: RetentionPolicy, pool: PostgresPool, batchSize: Int = 5_000) {
        precondition(batchSize > 0, "Pruner needs batchSize > 0")
        self.policy = policy
        self.pool = pool
        self.batchSize = batchSize
    }

    /// Prunes every table (or counts what would go), in the order of
    /// ``RetentionPolicy/Table/allCases``.
    /// - Parameter dryRun: Count the rows, delete nothing.
    /// - Returns: One count per table.
    /// - Throws: ``PostgresError`` when the database fails; batches that committed stay deleted.
    public func prune(dryRun: Bool = false) async throws -> [Count] {
        try await prune(dryRun: dryRun, while: { true })
    }

    /// Prunes as ``prune(dryRun:)``, starting no new batch once `shouldContinue` says no.
    func prune(dryRun: Bool, while shouldContinue: () -> Bool) async throws -> [Count] {
        var counts: [Count] = []
        for table in RetentionPolicy.Table.allCases {
            guard let window = policy.window(table) else {
                counts.append(Count(table: table, window: nil, rows: 0))
                continue
            }
            let seconds = Double(window.components.seconds)
            let condition = Self.condition(table)
            var rows = 0
            if dryRun {
                let sql = "SELECT count(*) FROM \(table.rawValue) t WHERE \(condition)"
                rows = try await pool.withConnection { try $0.query(sql, [seconds])[0].decode(Int.self, at: 0) }
            } else {
                let sql = """
                    DELETE FROM \(table.rawValue) WHERE ctid = ANY(ARRAY(
                        SELECT t.ctid FROM \(table.rawValue) t WHERE \(condition) LIMIT $2))
                    """
                let batchSize = batchSize
                while shouldContinue() {
                    let deleted = try await pool.withConnection { try $0.execute(sql, [seconds, batchSize]) }
                    rows += deleted
                    if deleted < batchSize { break }
                }
                if rows > 0 { Counter(label: "switchyard_rows_pruned_total", dimensions: [("table", table.rawValue)]).increment(by: rows) }
            }
            counts.append(Count(table: table, window: window, rows: rows))
        }
        return counts
    }

    /// The rows of `table` (as `t`) older than the window, which is `$1` seconds.
    private static func condition(_ table: RetentionPolicy.Table) -> String {
        let cutoff = "now() - make_interval(secs => $1)"
        let final = finalStatuses.map { "'\($0)'" }.joined(separator: ", ")
        switch table {
        case .outbox: return "t.published_at < \(cutoff)"
        case .inbox: return "t.processed_at < \(cutoff)"
        case .webhookReceipts: return "t.received_at < \(cutoff)"
        case .idempotencyKeys: return "t.created_at < \(cutoff)"
        case .automationExecutions: return "t.status IN (\(final)) AND coalesce(t.completed_at, t.started_at) < \(cutoff)"
        case .jobs: return "t.status IN (\(final)) AND coalesce(t.completed_at, t.updated_at) < \(cutoff)"
        case .liveUpdates:
            func notUnfinished(_ subjects: String) -> String {
                "NOT EXISTS (SELECT 1 FROM \(subjects) s WHERE s.id = t.subject_id AND s.status NOT IN (\(final)))"
            }
            return """
                t.created_at < \(cutoff)
                AND NOT EXISTS (SELECT 1 FROM live_updates later WHERE later.subject_id = t.subject_id AND later.created_at >= \(cutoff))
                AND CASE t.subject
                    WHEN 'job' THEN \(notUnfinished("jobs"))
                    WHEN 'project' THEN \(notUnfinished("projects"))
                    WHEN 'generation' THEN \(notUnfinished("generation_jobs"))
                    WHEN 'execution' THEN \(notUnfinished("automation_executions"))
                    ELSE false END
                """
        case .apiUsage: return "t.created_at < \(cutoff)"
        case .deadLetters: return "greatest(t.replayed_at, t.discarded_at) < \(cutoff)"
        case .operatorActions: return "t.created_at < \(cutoff)"
        case .probeResults: return "t.completed_at < \(cutoff)"
        }
    }
}
