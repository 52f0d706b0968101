// `switchyard prune [--dry-run] [--json]`: deletes rows older than their retention windows.

import ArgumentParser
import Switchyard
import SwitchyardPostgres
import SwitchyardRuntime

/// Retention on demand: the same prune `switchyard work dead-letters` runs every hour.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete rows older than their retention windows: the exactly-once guards, finished jobs and executions, live updates, logs, settled dead letters, probe results.",
        discussion: """
            Windows: SWITCHYARD_RETENTION_OUTBOX (sent rows), _INBOX, _RECEIPTS, _IDEMPOTENCY_KEYS (default 7d), \
            _EXECUTIONS and _JOBS (finished ones; 30d), _LIVE_UPDATES (of finished subjects; 1d), _API_USAGE (90d), \
            _DEAD_LETTERS (replayed or discarded ones; 30d), _OPERATOR_ACTIONS (365d), _PROBE_RESULTS (7d); durations like 7d, 12h, \
            30m, 3600s, at least 1h, or never (keep the table whole). Deletes in batches, each its own short transaction.
            """)

    @Flag(help: "Count what would be deleted; delete nothing.")
    var dryRun = false

    @Flag(help: "JSON instead of text.")
    var json = false

    struct Report: Encodable {
        struct Table: Encodable {
            var table: String
            var window: String
            var rows: Int
        }
        var dry_run: Bool
        var tables: [Table]
    }

    func run() async throws {
        let configuration = try SwitchyardConfiguration()
        let policy = try RetentionPolicy()
        let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 1))
        let counts: [Pruner.Count]
        do {
            counts = try await Pruner(policy: policy, pool: pool).prune(dryRun: dryRun)
            await pool.close()
        } catch {
            await pool.close()
            throw CommandFailure(message: "prune failed: \(error)")
        }
        let report = Report(dry_run: dryRun, tables: counts.map {
            Report.Table(table: $0.table.rawValue, window: RetentionPolicy.format($0.window), rows: $0.rows)
        })
        if json {
            try printJSON(report)
            return
        }
        printTable(zip(counts, report.tables).map { count, table in
            guard count.window != nil else { return [table.table, "-", "kept", "\(count.table.variable)=never"] }
            return [table.table, "\(table.rows)", dryRun ? "would be deleted" : "deleted", "older than \(table.window)"]
        })
    }
}
