import Foundation
import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

/// `switchyard dlq list | show | replay` against a fleet whose probes die on purpose.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DeadLetterCommandTests {
    static func dlq(_ fleet: Fleet, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let outcome = try SwitchyardProcess.run(["dlq"] + arguments, environment: fleet.environment)
        return (outcome.status, outcome.standardOutput, outcome.standardError)
    }

    @Test func deadLettersAreListedShownAndReplayedOnceEach() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["probe", "dead-letters"])
            let until = Int64(Date().timeIntervalSince1970 * 1000) + 2_500
            let laterIDs = ["later-1", "later-2", "later-3"]
            try await fleet.publishProbes(
                ["{\"v\":1,\"id\":\"never-1\",\"permanent\":true}", "{\"v\":1,\"id\":\"never-2\",\"permanent\":true}", "{\"v\":1,\"id\":7}"]
                    + laterIDs.map { "{\"v\":1,\"id\":\"\($0)\",\"fail_until_ms\":\(until)}" })
            try await eventually("six dead letters to be archived", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM dead_letters") == 6
            }

            let list = try Self.dlq(fleet, ["list", "--json"])
            #expect(list.status == 0, "\(list.error)")
            let queues = (try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [String: Any])?["queues"] as? [[String: Any]]
            let probe = try #require(queues?.first { $0["origin_queue"] as? String == "sy.work.probe" }, "\(list.output)")
            let classes = (probe["classes"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
                $0[$1["error_class"] as? String ?? ""] = $1["archived"] as? Int
            }
            #expect(classes == ["permanent": 5, "validation": 1])
            #expect(probe["waiting_in_broker"] as? Int == 0 && probe["dead_letter_queue"] as? String == "sy.dlq.probe")
            let table = try Self.dlq(fleet, ["list"]).output
            #expect(table.hasPrefix("ORIGIN QUEUE") && table.contains("sy.dlq.probe (0)"), "\(table)")

            let shown = try Self.dlq(fleet, ["show", "--queue", "sy.work.probe", "--error-class", "validation"])
            #expect(shown.output.contains("invalid probe.run body") && shown.output.contains("\"id\" : 7"), "\(shown.output)")
            let ids = try await fleet.text(
                "SELECT string_agg(id::text, ' ' ORDER BY id) FROM dead_letters WHERE convert_from(body, 'UTF8') LIKE '%later-%'"
            ).split(separator: " ").map(String.init)
            #expect(ids.count == 3)

            let dryRun = try Self.dlq(fleet, ["replay", "--dry-run"] + ids)
            #expect(dryRun.status == 0 && dryRun.output.split(separator: "\n").allSatisfy { $0.contains("would replay") }, "\(dryRun.output)")
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL") == 0, "--dry-run changes nothing")
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 0)

            // The probes fail until `until`; replay after it.
            try await Task.sleep(until: .now + .milliseconds(max(0, until - Int64(Date().timeIntervalSince1970 * 1000)) + 100), clock: .continuous)
            let replayed = try Self.dlq(fleet, ["replay"] + ids)
            #expect(replayed.status == 0, "\(replayed.output) \(replayed.error)")
            #expect(replayed.output.split(separator: "\n").filter { $0.contains("\treplayed\tto sy.events probe.run") }.count == 3, "\(replayed.output)")
            try await eventually("each replayed probe to land", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'later-%'") == 3
            }

            let again = try Self.dlq(fleet, ["replay", "--json"] + ids)
            #expect(again.status == 0 && again.output.components(separatedBy: "already replayed").count == 4, "\(again.output)")
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE replay_count = 1") == 3)
            #expect(try await fleet.depths(["sy.work.probe"])["sy.work.probe"] == 0, "the second replay published nothing")
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 3, "exactly one row each")
        }
    }

    @Test func queuesShowTheDLQAndPurgeArchivesWhatWaitsThereThenDiscardsAndKeepsItForAudit() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["probe"])
            try await fleet.publishProbes(["{\"v\":1,\"id\":\"p-1\",\"permanent\":true}", "{\"v\":1,\"id\":\"p-2\",\"permanent\":true}"])
            try await eventually("both to wait in the DLQ (no archiver runs)", timeout: .seconds(20)) {
                try await fleet.depths(["sy.dlq.probe"])["sy.dlq.probe"] == 2
            }
            // What the dead-letters role's watch records about a stalled backlog.
            try await fleet.execute("""
                INSERT INTO dead_letter_stalls (vhost, queue, messages_dlx, leader, stalled_since, observed_at, recoveries, last_recovery)
                VALUES ('\(fleet.vhost.name)', 'sy.retry.1s', 28, 'rabbit@localhost', now() - interval '3 minutes', now(), 1,
                        'rebalance: asked the broker to rebalance leaders')
                """)
            let overview = try SwitchyardProcess.run(["queues", "--json"], environment: fleet.environment)
            #expect(overview.status == 0, "\(overview.standardError)")
            let queues = (try JSONSerialization.jsonObject(with: Data(overview.standardOutput.utf8)) as? [String: Any])?["queues"] as? [[String: Any]] ?? []
            let byName = Dictionary(queues.map { ($0["name"] as? String ?? "", $0) }) { first, _ in first }
            #expect(queues.count == 26, "every queue of the topology: 7 roles × (2 lanes + DLQ) + 5 retry tiers")
            #expect(byName["sy.dlq.probe"]?["messages"] as? Int == 2)
            #expect(byName["sy.retry.1s"]?["stall_recoveries"] as? Int == 1, "\(byName["sy.retry.1s"] ?? [:])")
            #expect((byName["sy.retry.1s"]?["dead_letters_stalled_since"] as? String)?.hasPrefix("20") == true)
            #expect(byName["sy.retry.5s"]?["dead_letters_stalled_since"] == nil, "only the stalled queue")
            let table = try SwitchyardProcess.run(["queues"], environment: fleet.environment)
            #expect(table.standardOutput.contains("DLX STALLED") && table.standardOutput.contains("1 recoveries"), "\(table.standardOutput)")
            #expect(byName["sy.work.probe"]?["consumers"] as? Int == 1 && byName["sy.work.probe"]?["type"] as? String == "quorum")
            let leader = byName["sy.work.probe"]?["leader"] as? String
            #expect(leader?.isEmpty == false && (byName["sy.work.probe"]?["members"] as? [String]).map { $0.contains(leader ?? "") } == true,
                    "a quorum queue's leader is one of its members: \(byName["sy.work.probe"] ?? [:])")

            let unconfirmed = try Self.dlq(fleet, ["purge", "--queue", "sy.work.probe"])
            #expect(unconfirmed.status == 2 && unconfirmed.error.contains("add --yes"), "\(unconfirmed.error)")
            #expect(try await fleet.depths(["sy.dlq.probe"])["sy.dlq.probe"] == 2, "nothing happened without --yes")

            let purged = try Self.dlq(fleet, ["purge", "--queue", "sy.work.probe", "--yes"])
            #expect(purged.status == 0, "\(purged.error)")
            #expect(purged.output.contains("archived 2 dead letter(s) waiting in sy.dlq.probe first"), "\(purged.output)")
            #expect(purged.output.contains("discarded 2 dead letter(s)"), "\(purged.output)")
            #expect(try await fleet.depths(["sy.dlq.probe"])["sy.dlq.probe"] == 0)
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE discarded_at IS NOT NULL") == 2, "kept for audit")
            let id = try await fleet.text("SELECT min(id)::text FROM dead_letters")
            let replay = try Self.dlq(fleet, ["replay", id])
            #expect(replay.status == 0 && replay.output.contains("skipped\tdiscarded at"), "\(replay.output)")
        }
    }

    @Test func aDeadLetterWhoseOriginQueueIsGoneIsReportedNotDropped() async throws {
        try await withFleet { fleet in
            try await fleet.execute(
                """
                INSERT INTO dead_letters (archive_key, message_id, origin_queue, origin_routing_key, reason, error_class, body)
                VALUES ('gone-1', 'm-gone', 'sy.work.retired', 'retired.event', 'worker', 'permanent', '\\x7b7d')
                """)
            let list = try Self.dlq(fleet, ["list"])
            #expect(list.output.contains("sy.work.retired") && list.output.contains("not in the topology"), "\(list.output)")
            let id = try await fleet.text("SELECT id::text FROM dead_letters WHERE archive_key = 'gone-1'")
            let replay = try Self.dlq(fleet, ["replay", id])
            #expect(replay.status == 1, "a replay that could not happen fails the command")
            #expect(replay.output.contains("failed\torigin queue sy.work.retired is not in the topology"), "\(replay.output)")
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL") == 1, "left as it was")
        }
    }

    /// A message published into a DLQ by hand (no worker's headers, no x-death) is archived
    /// with the DLQ as its origin: listed under its role's DLQ, and its replay says why it can't.
    @Test func aMessagePublishedIntoADLQDirectlyIsListedUnderItsRoleAndNotReplayed() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["dead-letters"])
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel(confirms: true)
            try await channel.publish(AMQPOutgoingMessage(
                exchange: "", routingKey: "sy.dlq.probe", body: Array(#"{"v":1,"id":"by-hand"}"#.utf8),
                properties: AMQPProperties(messageID: "by-hand"), mandatory: true))
            await connection.close()
            try await eventually("the letter to be archived", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE origin_queue = 'sy.dlq.probe'") == 1
            }
            let list = try Self.dlq(fleet, ["list", "--json"])
            let queues = (try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [String: Any])?["queues"] as? [[String: Any]]
            let direct = try #require(queues?.first { $0["origin_queue"] as? String == "sy.dlq.probe" }, "\(list.output)")
            #expect(direct["in_topology"] as? Bool == true && direct["dead_letter_queue"] as? String == "sy.dlq.probe", "\(list.output)")
            #expect(!(try Self.dlq(fleet, ["list"]).output.contains("not in the topology")))
            let id = try await fleet.text("SELECT id::text FROM dead_letters WHERE origin_queue = 'sy.dlq.probe'")
            let replay = try Self.dlq(fleet, ["replay", id])
            #expect(replay.status == 1)
            #expect(replay.output.contains("failed\tit was published into sy.dlq.probe directly"), "\(replay.output)")
        }
    }

    @Test func showEscapesControlCharactersSoADeadLetterCantRewriteTheTerminal() async throws {
        try await withFleet { fleet in
            // ESC [2J clears the screen, ESC ]0;...BEL retitles the window, CSI (U+009B) is ESC [.
            try await fleet.execute(
                """
                INSERT INTO dead_letters (archive_key, message_id, origin_queue, origin_routing_key, reason, error_class, error, body)
                VALUES ('esc-1', E'm\\x1b]0;owned\\x07', 'sy.work.probe', E'probe.run\\x1b[2J', 'worker', E'permanent\\x1b[31m',
                        E'boom\\x1b[2J\\x1b[Hall clear\\ncontinued \\u009b2J', '\\x72617720621b5b324a20626f6479c29b4b0a7461696c')
                """)
            for arguments in [["show"], ["show", "--full"], ["list"]] {
                let shown = try Self.dlq(fleet, arguments)
                #expect(shown.status == 0, "\(shown.error)")
                #expect(!shown.output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" }, "\(arguments): \(shown.output)")
                #expect(shown.output.contains("permanent\\u{1B}[31m"), "\(arguments): \(shown.output)")
            }
            let shown = try Self.dlq(fleet, ["show"]).output
            #expect(shown.contains("error: boom\\u{1B}[2J\\u{1B}[Hall clear\\ncontinued \\u{9B}2J"), "\(shown)")
            #expect(shown.contains("routing key probe.run\\u{1B}[2J") && shown.contains("message m\\u{1B}]0;owned\\u{07}"), "\(shown)")
            #expect(shown.contains("body: raw b\\u{1B}[2J body\\u{9B}K\n        tail"), "the body keeps its lines: \(shown)")
        }
    }

    @Test func badArgumentsExitTwoWithOneLineSayingWhatToFix() async throws {
        try await withFleet { fleet in
            for (arguments, needle) in [
                (["replay"], "give IDs or --queue"),
                (["show", "--queue", "sy.work.nope"], "unknown work queue 'sy.work.nope'"),
                (["show", "--since", "yesterday"], "--since: expected RFC 3339"),
                (["replay", "--queue", "sy.work.probe", "--rate", "0"], "--rate must be 0.001...10000 per second, got 0.0"),
                // One replay in 10^300 seconds: its wait overflowed `Duration` and trapped.
                (["replay", "--queue", "sy.work.probe", "--rate", "1e-300"], "--rate must be 0.001...10000 per second"),
            ] {
                let outcome = try Self.dlq(fleet, arguments)
                #expect(outcome.status == 2, "\(arguments): \(outcome.error)")
                #expect(outcome.error.split(separator: "\n").count == 1 && outcome.error.contains(needle), "\(arguments): \(outcome.error)")
            }
            // A million days back (before the database's first timestamp) is since the epoch: everything.
            for since in ["999999999d", "0001-01-01T00:00:00Z"] {
                let outcome = try Self.dlq(fleet, ["show", "--queue", "sy.work.probe", "--since", since])
                #expect(outcome.status == 0, "--since \(since): \(outcome.error)")
            }
        }
    }
}
