// `switchyard prune [--dry-run] [--json]`: deletes rows older than their retention windows.

import ArgumentParser
import Switchyard
import SwitchyardPostgres
import SwitchyardRuntime

/// Retention on demand: the same prune `switchyard work dead-letters` runs every hour.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete sent outbox rows, inbox rows, webhook receipts, idempotency keys and finished live updates older than their windows.",
        discussion: """
            Windows: SWITCHYARD_RETENTION_OUTBOX, _INBOX, _RECEIPTS, _IDEMPOTENCY_KEYS (default 7d) and \
            _LIVE_UPDATES (of finished jobs, projects and generations; default 1d); durations like 7d, 12h, \
            30m, 3600s, at least 1h. Deletes in batches, each its own short transaction.
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
        printTable(report.tables.map { [$0.table, "\($0.rows)", dryRun ? "would be deleted" : "deleted", "older than \($0.window)"] })
    }
}
