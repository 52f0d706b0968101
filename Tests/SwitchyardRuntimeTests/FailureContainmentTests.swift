import Foundation
import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

/// Poison messages, graceful shutdown and retry delays, with worker processes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct FailureContainmentTests {
    /// A message that aborts the worker is redelivered until the quorum queue's delivery limit
    /// dead-letters it; the restarted workers complete everything else.
    @Test func aMessageThatCrashesWorkersEndsInTheDLQThroughTheDeliveryLimit() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["dead-letters", "--no-relay"])
            let crashing = ["SWITCHYARD_PROBE_ALLOW_CRASH": "1"]
            var worker = try fleet.startWorker(["probe", "--concurrency", "1", "--prefetch", "1"], environment: crashing)
            var bodies = (0..<20).map { #"{"v":1,"id":"before-\#($0)"}"# }
            bodies.append(#"{"v":1,"id":"poison","crash":true}"#)
            bodies += (0..<20).map { #"{"v":1,"id":"after-\#($0)"}"# }
            try await fleet.publishProbes(bodies)

            var crashes = 0
            try await eventually("the poison message to be dead-lettered", timeout: .seconds(90)) {
                if !worker.isRunning {
                    #expect(worker.terminationReason == .uncaughtSignal, "the worker died of the crash, not an exit")
                    crashes += 1
                    worker = try fleet.startWorker(["probe", "--concurrency", "1", "--prefetch", "1"], environment: crashing)
                }
                let poisoned = try await fleet.count(
                    "SELECT count(*) FROM dead_letters WHERE convert_from(body, 'UTF8') LIKE '%\"poison\"%'")
                let completed = try await fleet.count("SELECT count(*) FROM probe_results")
                return poisoned == 1 && completed == 40
            }
            #expect(crashes >= 5, "delivered past the delivery limit of 5")
            #expect(try await fleet.count(
                "SELECT count(*) FROM dead_letters WHERE reason = 'delivery_limit' AND origin_queue = 'sy.work.probe'") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'poison'") == 0)
            #expect(try await fleet.depths(["sy.work.probe", "sy.dlq.probe"]).values.allSatisfy { $0 == 0 })
        }
    }

    /// A delivery whose write makes the database end the connection (a trigger here kills its
    /// own backend) fails alone as `connection_lost` once it has done so three times with the
    /// database answering after each; the deliveries batched with it commit, and the worker
    /// goes on. Before, the batch was held as if the database were down, for good.
    @Test func aWriteThatTakesTheConnectionDownIsDeadLetteredAndItsBatchCommits() async throws {
        try await withFleet { fleet in
            try await fleet.execute("""
                CREATE FUNCTION test_end_own_session() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.id LIKE 'poison%' THEN
                        PERFORM pg_terminate_backend(pg_backend_pid());
                        PERFORM pg_sleep(5);
                    END IF;
                    RETURN NEW;
                END $$
                """)
            try await fleet.execute("""
                CREATE TRIGGER test_end_own_session BEFORE INSERT ON probe_results
                    FOR EACH ROW EXECUTE FUNCTION test_end_own_session()
                """)
            // Published before the worker starts, with handlers that take as long: the commits
            // come in batches.
            var bodies = (0..<30).map { #"{"v":1,"id":"before-\#($0)","sleep_ms":200}"# }
            bodies.append(#"{"v":1,"id":"poison","sleep_ms":200}"#)
            bodies += (0..<30).map { #"{"v":1,"id":"after-\#($0)","sleep_ms":200}"# }
            try await fleet.publishProbes(bodies)
            let worker = try fleet.startWorker(["probe", "dead-letters", "--concurrency", "64"])

            try await eventually("the others to commit and the poison to be dead-lettered", timeout: .seconds(60)) {
                let completed = try await fleet.count("SELECT count(*) FROM probe_results")
                let archived = try await fleet.count("SELECT count(*) FROM dead_letters")
                return completed == 60 && archived == 1
            }
            #expect(worker.isRunning)
            #expect(try await fleet.count(
                "SELECT count(*) FROM dead_letters WHERE error_class = 'connection_lost' AND convert_from(body, 'UTF8') LIKE '%\"poison\"%'") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE effects > 1") == 0)
            #expect(try await fleet.count("SELECT count(*) FROM inbox") == 60)
            #expect(try await fleet.depths(["sy.work.probe", "sy.dlq.probe"]).values.allSatisfy { $0 == 0 })
        }
    }

    /// SIGTERM while handlers are busy: the worker stops taking deliveries, finishes what it
    /// started, exits 0 within the grace period; a new worker does the rest, nothing twice.
    @Test func sigtermDuringABatchExitsCleanlyAndLosesNothing() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(["probe", "--concurrency", "8", "--prefetch", "16", "--grace-period", "10"])
            try await fleet.publishProbes((0..<120).map { #"{"v":1,"id":"slow-\#($0)","sleep_ms":250}"# })
            try await eventually("some probes to finish", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results") >= 16
            }
            let stopping = ContinuousClock.now
            worker.terminate()
            try await eventually("the worker to exit", timeout: .seconds(15)) { !worker.isRunning }
            #expect(worker.terminationReason == .exit)
            #expect(worker.terminationStatus == 0)
            #expect(ContinuousClock.now - stopping < .seconds(10))
            let done = try await fleet.count("SELECT count(*) FROM probe_results")
            #expect(done < 120, "it stopped before the end")

            try fleet.startWorker(["probe", "--concurrency", "16"])
            try await eventually("the rest to finish", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM probe_results") == 120
            }
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters") == 0)
            #expect(try await fleet.count("SELECT count(*) FROM inbox") == 120)
        }
    }

    /// SIGTERM while handlers are in flight whose follow-ups commit during the drain: the
    /// process's own relay stops after the worker, so each follow-up is published before exit.
    @Test func followUpsCommittedWhileDrainingArePublishedBeforeExit() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(["probe", "--concurrency", "8", "--prefetch", "8", "--grace-period", "10"])
            try await fleet.publishProbes((0..<40).map { #"{"v":1,"id":"drain-\#($0)","sleep_ms":1500,"follow_up":"next-\#($0)"}"# })
            try await eventually("eight handlers to be in flight", timeout: .seconds(20)) {
                try await fleet.depths(["sy.work.probe"])["sy.work.probe"] == 32
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 0, "the handlers are still sleeping")
            worker.terminate()
            try await eventually("the worker to exit", timeout: .seconds(15)) { !worker.isRunning }
            #expect(worker.terminationReason == .exit && worker.terminationStatus == 0)

            let finished = try await fleet.count("SELECT count(*) FROM probe_results")
            #expect(finished == 8, "the eight in flight finished during the drain")
            #expect(try await fleet.count("SELECT count(*) FROM outbox") == 8)
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0,
                    "every follow-up was published before the process exited")
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            var followUps = 0
            while let message = try await channel.get(queue: "sy.work.probe", autoAck: true) {
                if String(decoding: message.body, as: UTF8.self).contains(#""id":"next-"#) { followUps += 1 }
            }
            #expect(followUps == 8, "the follow-ups wait in the queue for the next worker")
            await connection.close()
        }
    }

    /// A transient failure waits in a tier at least as long as the tier's delay; a rate-limited
    /// one at least its retry-after.
    @Test func retriesWaitAtLeastTheirTierAndRetryAfter() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["probe"])
            let published = Date()
            try await fleet.publishProbes([
                #"{"v":1,"id":"transient","transient_failures":1}"#,
                #"{"v":1,"id":"limited","transient_failures":1,"retry_after_ms":4000}"#,
                #"{"v":1,"id":"direct"}"#,
            ])
            try await eventually("all three to finish", timeout: .seconds(40)) {
                try await fleet.count("SELECT count(*) FROM probe_results") == 3
            }
            let epoch = published.timeIntervalSince1970
            func waited(_ id: String) async throws -> Int {
                try await fleet.count(
                    "SELECT (extract(epoch FROM completed_at) * 1000 - \(Int(epoch * 1000)))::int FROM probe_results WHERE id = '\(id)'")
            }
            #expect(try await waited("direct") < 1_000)
            #expect(try await waited("transient") >= 1_000, "at least the 1 s tier")
            #expect(try await waited("limited") >= 4_000, "at least the retry-after")
            #expect(try await fleet.count("SELECT attempts FROM probe_results WHERE id = 'limited'") == 2)
        }
    }
}
