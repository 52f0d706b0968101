import Foundation
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// Retention: `switchyard prune` and the hourly prune inside `switchyard work dead-letters`,
/// against a database seeded with old and fresh rows of every pruned table.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PruneCommandTests {
    /// Old and fresh rows of every table `prune` looks at. With the default windows, the old ones
    /// (`old-*`, and the live updates of job A, project P and generation G: 4 rows) are due; the
    /// unsent outbox row, the live updates of the running job B and of job C (finished, but its
    /// last update is fresh) are not, however old.
    static let seed = """
        INSERT INTO outbox (exchange, routing_key, message_id, body, created_at, published_at) VALUES
            ('sy.events', 'probe.run', 'old-sent', '\\x7b7d', now() - interval '9 days', now() - interval '8 days'),
            ('sy.events', 'probe.run', 'fresh-sent', '\\x7b7d', now() - interval '2 days', now() - interval '1 day'),
            ('sy.events', 'probe.run', 'old-unsent', '\\x7b7d', now() - interval '30 days', NULL);
        INSERT INTO inbox (consumer, message_id, processed_at) VALUES
            ('probe', 'old-handled', now() - interval '8 days'), ('probe', 'fresh-handled', now() - interval '1 day');
        INSERT INTO webhook_receipts (source, webhook_id, tenant_id, response, received_at) VALUES
            ('kiro', 'old-receipt', '00000000-0000-0000-0000-000000000000', '{}', now() - interval '8 days'),
            ('kiro', 'fresh-receipt', '00000000-0000-0000-0000-000000000000', '{}', now() - interval '1 day');
        INSERT INTO idempotency_keys (tenant_id, key, request_sha256, response, created_at) VALUES
            ('00000000-0000-0000-0000-000000000000', 'old-key', '\\x00', '{}', now() - interval '8 days'),
            ('00000000-0000-0000-0000-000000000000', 'fresh-key', '\\x00', '{}', now() - interval '1 day');
        INSERT INTO jobs (id, tenant_id, workflow_id, status, workflow_version_id, workflow_version)
        SELECT job.id::uuid, '00000000-0000-0000-0000-000000000000', 'echo', job.status, v.id, v.version
        FROM (VALUES ('a0000000-0000-0000-0000-00000000000a', 'pending'), ('b0000000-0000-0000-0000-00000000000b', 'running'),
                     ('c0000000-0000-0000-0000-00000000000c', 'pending')) AS job (id, status)
        CROSS JOIN workflow_versions v WHERE v.tenant_id IS NULL AND v.workflow_id = 'echo';
        UPDATE jobs SET status = 'completed' WHERE id IN ('a0000000-0000-0000-0000-00000000000a', 'c0000000-0000-0000-0000-00000000000c');
        INSERT INTO projects (id, tenant_id, status) VALUES
            ('d0000000-0000-0000-0000-00000000000d', '00000000-0000-0000-0000-000000000000', 'failed');
        INSERT INTO users (id, tenant_id, external_id, credits) VALUES
            ('e0000000-0000-0000-0000-00000000000e', '00000000-0000-0000-0000-000000000000', 'user-1', 10);
        INSERT INTO generation_jobs (id, tenant_id, user_id, prompt, slide_count, credits_cost, status) VALUES
            ('f0000000-0000-0000-0000-00000000000f', '00000000-0000-0000-0000-000000000000',
             'e0000000-0000-0000-0000-00000000000e', 'a cat', 1, 1, 'completed');
        UPDATE live_updates SET created_at = now() - interval '2 days' WHERE subject_id <> 'c0000000-0000-0000-0000-00000000000c' OR seq = 1;
        """

    /// Runs SQL statements (several, separated by `;`) in the fleet's database.
    static func execute(script: String, in fleet: Fleet) async throws {
        let connection = try await PostgresConnection.connect(url: fleet.database.url)
        do {
            try await connection.executeScript(script)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// What is left of every pruned table, as comparable text.
    static func remaining(_ fleet: Fleet) async throws -> [String: String] {
        var rows: [String: String] = [:]
        for (table, sql) in [
            ("outbox", "SELECT coalesce(string_agg(message_id, ',' ORDER BY message_id), '') FROM outbox"),
            ("inbox", "SELECT coalesce(string_agg(message_id, ',' ORDER BY message_id), '') FROM inbox"),
            ("webhook_receipts", "SELECT coalesce(string_agg(webhook_id, ',' ORDER BY webhook_id), '') FROM webhook_receipts"),
            ("idempotency_keys", "SELECT coalesce(string_agg(key, ',' ORDER BY key), '') FROM idempotency_keys"),
            ("live_updates", "SELECT coalesce(string_agg(left(subject_id::text, 1) || seq, ',' ORDER BY subject_id, seq), '') FROM live_updates"),
        ] {
            rows[table] = try await fleet.text(sql)
        }
        return rows
    }

    static let everything = [
        "outbox": "fresh-sent,old-sent,old-unsent", "inbox": "fresh-handled,old-handled",
        "webhook_receipts": "fresh-receipt,old-receipt", "idempotency_keys": "fresh-key,old-key",
        "live_updates": "a1,a2,b1,c1,c2,d1,f1",
    ]
    static let afterPruning = [
        "outbox": "fresh-sent,old-unsent", "inbox": "fresh-handled", "webhook_receipts": "fresh-receipt",
        "idempotency_keys": "fresh-key", "live_updates": "b1,c1,c2",
    ]

    /// `switchyard prune --json ARGUMENTS`: the rows per table it reported.
    static func prune(_ fleet: Fleet, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> [String: Int] {
        let outcome = try SwitchyardProcess.run(["prune", "--json"] + arguments, environment: fleet.environment.merging(environment) { $1 })
        try #require(outcome.status == 0, "\(outcome.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(report["dry_run"] as? Bool == arguments.contains("--dry-run"))
        let tables = try #require(report["tables"] as? [[String: Any]], "\(outcome.standardOutput)")
        return Dictionary(uniqueKeysWithValues: tables.map { ($0["table"] as? String ?? "", $0["rows"] as? Int ?? -1) })
    }

    @Test func aDryRunCountsThenPruneDeletesExactlyTheOldRows() async throws {
        try await withFleet { fleet in
            try await Self.execute(script: Self.seed, in: fleet)
            #expect(try await Self.remaining(fleet) == Self.everything)
            let due = ["outbox": 1, "inbox": 1, "webhook_receipts": 1, "idempotency_keys": 1, "live_updates": 4]

            #expect(try Self.prune(fleet, ["--dry-run"]) == due)
            #expect(try await Self.remaining(fleet) == Self.everything, "a dry run deletes nothing")
            let text = try SwitchyardProcess.run(["prune", "--dry-run"], environment: fleet.environment).standardOutput
            let lines = text.split(separator: "\n")
            #expect(lines.count == 5 && lines.allSatisfy { $0.contains("would be deleted") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("live_updates") && $0.contains(" 4 ") && $0.hasSuffix("older than 1d") }, "\(text)")
            #expect(try Self.prune(fleet, ["--dry-run"], environment: ["SWITCHYARD_RETENTION_INBOX": "12h"])["inbox"] == 2,
                    "the window comes from SWITCHYARD_RETENTION_INBOX")

            #expect(try Self.prune(fleet) == due)
            #expect(try await Self.remaining(fleet) == Self.afterPruning)
            #expect(try Self.prune(fleet) == due.mapValues { _ in 0 }, "nothing is left to prune")
        }
    }

    @Test func batchesGoOnUntilEverythingOldIsGone() async throws {
        try await withFleet { fleet in
            try await fleet.execute("""
                INSERT INTO inbox (consumer, message_id, processed_at)
                SELECT 'probe', 'old-' || n, now() - interval '8 days' FROM generate_series(1, 12001) n
                """)
            #expect(try Self.prune(fleet)["inbox"] == 12_001, "three batches of at most 5,000")
            #expect(try await fleet.count("SELECT count(*) FROM inbox") == 0)
        }
    }

    @Test func badRetentionValuesExitTwoNamingTheVariable() throws {
        for (variable, value, needle) in [
            ("SWITCHYARD_RETENTION_OUTBOX", "7 days", "expected a duration like 7d, 12h, 30m or 3600s, got '7 days'"),
            ("SWITCHYARD_RETENTION_INBOX", "30m", "30m is shorter than 1h: inbox rows are the exactly-once guard"),
            ("SWITCHYARD_RETENTION_RECEIPTS", "59m", "shorter than 1h"),
            ("SWITCHYARD_RETENTION_IDEMPOTENCY_KEYS", "", "got ''"),
            ("SWITCHYARD_RETENTION_LIVE_UPDATES", "1w", "got '1w'"),
            ("SWITCHYARD_RETENTION_INTERVAL", "0s", "0s is shorter than 1s"),
        ] {
            for arguments in [["prune"], ["prune", "--dry-run"], ["work", "dead-letters"]] {
                let outcome = try SwitchyardProcess.run(arguments, environment: [variable: value])
                #expect(outcome.status == 2, "\(arguments) \(variable)=\(value): \(outcome.standardError)")
                #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
                #expect(outcome.standardError.contains("\(variable): ") && outcome.standardError.contains(needle), "\(outcome.standardError)")
            }
        }
    }

    @Test func theDeadLetterWorkerPrunesOnItsScheduleAndRidesOutADatabaseFailure() async throws {
        try await withFleet { fleet in
            try await Self.execute(script: Self.seed, in: fleet)
            // The inbox is gone for a while: every run fails at it (after pruning the outbox).
            try await fleet.execute("ALTER TABLE inbox RENAME TO inbox_away")
            let worker = try fleet.startWorker(["dead-letters", "--no-relay"], environment: ["SWITCHYARD_RETENTION_INTERVAL": "1s"])
            try await eventually("a run to fail and be logged", timeout: .seconds(20)) {
                fleet.logs().contains("pruning failed; trying again at the next run")
            }
            #expect(worker.isRunning, "a failed run doesn't end the worker")
            #expect(try await fleet.count("SELECT count(*) FROM outbox") == 2, "the run pruned the outbox before it failed")

            try await fleet.execute("ALTER TABLE inbox_away RENAME TO inbox")
            try await eventually("a later run to prune every table", timeout: .seconds(20)) {
                try await Self.remaining(fleet) == Self.afterPruning
            }
            try await eventually("the run to be logged with its counts", timeout: .seconds(10)) {
                fleet.logs().contains("\"live_updates\":\"4\"")
            }

            let stopping = ContinuousClock.now
            worker.terminate()
            worker.waitUntilExit()
            #expect(worker.terminationStatus == 0)
            #expect(ContinuousClock.now - stopping < .seconds(5), "SIGTERM stops the schedule at once")
        }
    }
}
