// Deletes rows older than their retention windows, one short batch at a time.

import Metrics
public import SwitchyardPostgres

/// Deletes what ``RetentionPolicy`` says is old enough, or counts it (a dry run):
///
/// - `outbox`: rows sent (`published_at`) longer ago than the window; unsent rows never;
/// - `inbox`: rows processed longer ago;
/// - `webhook_receipts`: receipts received longer ago;
/// - `idempotency_keys`: keys created longer ago;
/// - `live_updates`: every update of a job, project, generation or execution whose status is final
///   (``finalStatuses``) and whose last update is older than the window; a subject that is not
///   finished keeps all of its updates, and a finished one keeps them all until its last is
///   old, so a stream replayed from the start has no gaps.
///
/// Each batch is one statement, `DELETE ... WHERE ctid = ANY(ARRAY(SELECT ctid ... LIMIT n))`,
/// in a transaction of its own, so row locks last one batch; batches go on until one deletes
/// fewer than ``batchSize`` rows. The oldest rows are found through the time indexes of
/// `0007_retention.sql`, and times are the database's (`now()`). A row that someone changes
/// while a batch runs is skipped (its new version has another `ctid`) and looked at again next
/// time. Several pruners may run at once: a row is deleted by one of them.
public struct Pruner: Sendable {
    /// What one table's pruning did (or would do).
    public struct Count: Sendable, Equatable {
        /// The table.
        public var table: RetentionPolicy.Table
        /// Its window.
        public var window: Duration
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
            let window = policy.window(table)
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
        switch table {
        case .outbox: return "t.published_at < \(cutoff)"
        case .inbox: return "t.processed_at < \(cutoff)"
        case .webhookReceipts: return "t.received_at < \(cutoff)"
        case .idempotencyKeys: return "t.created_at < \(cutoff)"
        case .liveUpdates:
            let final = finalStatuses.map { "'\($0)'" }.joined(separator: ", ")
            func finished(_ subjects: String) -> String {
                "EXISTS (SELECT 1 FROM \(subjects) s WHERE s.id = t.subject_id AND s.status IN (\(final)))"
            }
            return """
                t.created_at < \(cutoff)
                AND NOT EXISTS (SELECT 1 FROM live_updates later WHERE later.subject_id = t.subject_id AND later.created_at >= \(cutoff))
                AND CASE t.subject
                    WHEN 'job' THEN \(finished("jobs"))
                    WHEN 'project' THEN \(finished("projects"))
                    WHEN 'generation' THEN \(finished("generation_jobs"))
                    WHEN 'execution' THEN \(finished("automation_executions"))
                    ELSE false END
                """
        }
    }
}
