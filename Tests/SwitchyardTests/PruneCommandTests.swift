import Foundation
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// Retention: `switchyard prune` and the hourly prune inside `switchyard work dead-letters`,
/// against a database seeded with old and fresh rows of every pruned table.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PruneCommandTests {
    /// Old and fresh rows of every table `prune` looks at. With the default windows, the old ones
    /// are due: `old-*`; jobs 1, 2 (with its step) and 3 (finished 40 days ago), executions 7 and
    /// 8 (finished 40 days ago; 8 failed before it had a job); letters replayed or discarded 31
    /// or more days ago; and the live updates of the finished subjects A, P, G, 1, 2, 3, 5, 6, 7
    /// and 8 (11 rows). Not due, however old: the unsent outbox row, the running job 4 and
    /// execution 9 and their live updates, job 5 (finished 29 days ago), execution 6 (finished a
    /// day ago, so it loses its link to job 3), the letter no operator acted on and one
    /// discarded a day ago, and the live updates of the running job B and of job C (finished,
    /// but its last update is fresh).
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
        INSERT INTO jobs (id, tenant_id, workflow_id, status, workflow_version_id, workflow_version, created_at, updated_at, completed_at)
        SELECT job.id::uuid, '00000000-0000-0000-0000-000000000000', 'echo', job.status, v.id, v.version,
               now() - interval '41 days', now() - interval '40 days', now() - job.finished * interval '1 day'
        FROM (VALUES ('10000000-0000-0000-0000-000000000001', 'completed', 40), ('20000000-0000-0000-0000-000000000002', 'failed', 40),
                     ('30000000-0000-0000-0000-000000000003', 'cancelled', 40), ('40000000-0000-0000-0000-000000000004', 'running', NULL),
                     ('50000000-0000-0000-0000-000000000005', 'completed', 29)) AS job (id, status, finished)
        CROSS JOIN workflow_versions v WHERE v.tenant_id IS NULL AND v.workflow_id = 'echo';
        INSERT INTO job_steps (job_id, step_id, tenant_id, transformer_id, status) VALUES
            ('20000000-0000-0000-0000-000000000002', 'fetch', '00000000-0000-0000-0000-000000000000', 'echo', 'failed'),
            ('40000000-0000-0000-0000-000000000004', 'fetch', '00000000-0000-0000-0000-000000000000', 'echo', 'running');
        INSERT INTO automation_executions (id, tenant_id, automation_id, chatbot_id, event_id, event_type, trigger_data, matched,
                                           job_id, status, execution_log, started_at, completed_at)
        SELECT e.id::uuid, '00000000-0000-0000-0000-000000000000', gen_random_uuid(), gen_random_uuid(), 'event-' || e.id, 'message.received', '{}', '{}',
               e.job_id::uuid, e.status, '[]', now() - interval '41 days', now() - e.finished * interval '1 day'
        FROM (VALUES ('60000000-0000-0000-0000-000000000006', '30000000-0000-0000-0000-000000000003', 'completed', 1),
                     ('70000000-0000-0000-0000-000000000007', NULL, 'completed', 40),
                     ('80000000-0000-0000-0000-000000000008', NULL, 'failed', NULL),
                     ('90000000-0000-0000-0000-000000000009', NULL, 'running', NULL)) AS e (id, job_id, status, finished);
        INSERT INTO api_usage (api, endpoint, response_time_ms, created_at) VALUES
            ('llm', 'old', 1, now() - interval '91 days'), ('llm', 'fresh', 1, now() - interval '89 days');
        INSERT INTO dead_letters (archive_key, origin_queue, reason, body, archived_at, replayed_at, discarded_at) VALUES
            ('old-replayed', 'sy.work.probe', 'worker', '\\x7b7d', now() - interval '45 days', now() - interval '40 days', NULL),
            ('old-discarded', 'sy.work.probe', 'worker', '\\x7b7d', now() - interval '45 days', NULL, now() - interval '31 days'),
            ('old-untouched', 'sy.work.probe', 'worker', '\\x7b7d', now() - interval '400 days', NULL, NULL),
            ('lately-replayed', 'sy.work.probe', 'worker', '\\x7b7d', now() - interval '45 days', now() - interval '29 days', NULL),
            ('replayed-then-discarded', 'sy.work.probe', 'worker', '\\x7b7d', now() - interval '45 days', now() - interval '40 days', now() - interval '1 day');
        INSERT INTO operator_actions (operator_name, action, created_at) VALUES
            ('ops', 'old', now() - interval '366 days'), ('ops', 'fresh', now() - interval '364 days');
        INSERT INTO probe_results (id, attempts, completed_at) VALUES
            ('old-probe', 1, now() - interval '8 days'), ('fresh-probe', 1, now() - interval '6 days');
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
            ("jobs", "SELECT coalesce(string_agg(left(id::text, 1), ',' ORDER BY id), '') FROM jobs"),
            ("job_steps", "SELECT coalesce(string_agg(left(job_id::text, 1) || step_id, ',' ORDER BY job_id), '') FROM job_steps"),
            ("automation_executions", """
                SELECT coalesce(string_agg(left(id::text, 1) || coalesce(left(job_id::text, 1), '-'), ',' ORDER BY id), '')
                FROM automation_executions
                """),
            ("api_usage", "SELECT coalesce(string_agg(endpoint, ',' ORDER BY endpoint), '') FROM api_usage"),
            ("dead_letters", "SELECT coalesce(string_agg(archive_key, ',' ORDER BY archive_key), '') FROM dead_letters"),
            ("operator_actions", "SELECT coalesce(string_agg(action, ',' ORDER BY action), '') FROM operator_actions"),
            ("probe_results", "SELECT coalesce(string_agg(id, ',' ORDER BY id), '') FROM probe_results"),
        ] {
            rows[table] = try await fleet.text(sql)
        }
        return rows
    }

    static let everything = [
        "outbox": "fresh-sent,old-sent,old-unsent", "inbox": "fresh-handled,old-handled",
        "webhook_receipts": "fresh-receipt,old-receipt", "idempotency_keys": "fresh-key,old-key",
        "live_updates": "11,21,31,41,51,61,71,81,91,a1,a2,b1,c1,c2,d1,f1",
        "jobs": "1,2,3,4,5,a,b,c", "job_steps": "2fetch,4fetch", "automation_executions": "63,7-,8-,9-",
        "api_usage": "fresh,old", "dead_letters": "lately-replayed,old-discarded,old-replayed,old-untouched,replayed-then-discarded",
        "operator_actions": "fresh,old", "probe_results": "fresh-probe,old-probe",
    ]
    static let afterPruning = [
        "outbox": "fresh-sent,old-unsent", "inbox": "fresh-handled", "webhook_receipts": "fresh-receipt",
        "idempotency_keys": "fresh-key", "live_updates": "41,91,b1,c1,c2",
        "jobs": "4,5,a,b,c", "job_steps": "4fetch", "automation_executions": "6-,9-",
        "api_usage": "fresh", "dead_letters": "lately-replayed,old-untouched,replayed-then-discarded", "operator_actions": "fresh",
        "probe_results": "fresh-probe",
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
            let due = [
                "outbox": 1, "inbox": 1, "webhook_receipts": 1, "idempotency_keys": 1, "automation_executions": 2, "jobs": 3,
                "live_updates": 11, "api_usage": 1, "dead_letters": 2, "operator_actions": 1, "probe_results": 1,
            ]

            #expect(try Self.prune(fleet, ["--dry-run"]) == due)
            #expect(try await Self.remaining(fleet) == Self.everything, "a dry run deletes nothing")
            let text = try SwitchyardProcess.run(["prune", "--dry-run"], environment: fleet.environment).standardOutput
            let lines = text.split(separator: "\n")
            #expect(lines.count == 11 && lines.allSatisfy { $0.contains("would be deleted") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("live_updates") && $0.contains(" 11 ") && $0.hasSuffix("older than 1d") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("jobs") && $0.contains(" 3 ") && $0.hasSuffix("older than 30d") }, "\(text)")
            #expect(try Self.prune(fleet, ["--dry-run"], environment: ["SWITCHYARD_RETENTION_INBOX": "12h"])["inbox"] == 2,
                    "the window comes from SWITCHYARD_RETENTION_INBOX")

            let keepingJobs = ["SWITCHYARD_RETENTION_JOBS": "never"]
            let kept = try SwitchyardProcess.run(["prune", "--dry-run"], environment: fleet.environment.merging(keepingJobs) { $1 }).standardOutput
            #expect(kept.split(separator: "\n").contains { $0.hasPrefix("jobs ") && $0.contains(" kept ") && $0.hasSuffix(" SWITCHYARD_RETENTION_JOBS=never") }, "\(kept)")

            var allButJobs = due
            allButJobs["jobs"] = 0
            #expect(try Self.prune(fleet, environment: keepingJobs) == allButJobs)
            var jobsKept = Self.afterPruning
            jobsKept["jobs"] = Self.everything["jobs"]
            jobsKept["job_steps"] = Self.everything["job_steps"]
            jobsKept["automation_executions"] = "63,9-"
            #expect(try await Self.remaining(fleet) == jobsKept, "SWITCHYARD_RETENTION_JOBS=never keeps every job")

            #expect(try Self.prune(fleet) == due.mapValues { _ in 0 }.merging(["jobs": 3]) { $1 })
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
            ("SWITCHYARD_RETENTION_OUTBOX", "7 days", "expected a duration like 7d, 12h, 30m or 3600s, or never, got '7 days'"),
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
                fleet.logs().contains("\"live_updates\":\"11\"")
            }

            let stopping = ContinuousClock.now
            worker.terminate()
            worker.waitUntilExit()
            #expect(worker.terminationStatus == 0)
            #expect(ContinuousClock.now - stopping < .seconds(5), "SIGTERM stops the schedule at once")
        }
    }
}
