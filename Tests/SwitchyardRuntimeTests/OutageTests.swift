import Foundation
import SwitchyardTestSupport
import Testing

/// Nothing lost, nothing doubled, while workers are killed and servers restarted.
@Suite(.serialized, .timeLimit(.minutes(4))) struct OutageTests {
    /// Checks the end state of a mixed run: every succeeding probe exactly once, every
    /// permanent one archived exactly once, no duplicate effect surfaced as a database error,
    /// every queue empty.
    static func expectExactlyOnce(_ fleet: Fleet, _ probes: (bodies: [String], succeeding: Set<String>, permanent: Set<String>)) async throws {
        try await eventually("every probe to finish", timeout: .seconds(120)) {
            let results = try await fleet.count("SELECT count(*) FROM probe_results")
            let deadLetters = try await fleet.count("SELECT count(*) FROM dead_letters")
            return results == probes.succeeding.count && deadLetters == probes.permanent.count
        }
        #expect(try await fleet.count("SELECT count(DISTINCT id) FROM probe_results") == probes.succeeding.count)
        #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE effects > 1") == 0, "no effect twice")
        #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE error_class = 'permanent'") == probes.permanent.count)
        #expect(try await fleet.count("SELECT count(*) FROM inbox") == probes.succeeding.count)
        let depths = try await fleet.depths(DeliveryGuaranteeTests.probeQueues)
        #expect(depths.values.allSatisfy { $0 == 0 }, "\(depths)")
    }

    @Test func workersKilledWithSigkillEveryFewSecondsLoseAndDoubleNothing() async throws {
        try await withFleet { fleet in
            var workers = [try fleet.startWorker(), try fleet.startWorker()]
            let probes = DeliveryGuaranteeTests.mixedProbes(prefix: "killed")
            // 150 ms per message, 2 × 16 in flight: about 10 s of work, so the kills land mid-run.
            let slow = probes.bodies.map { $0.replacingOccurrences(of: "{\"v\":1,", with: "{\"v\":1,\"sleep_ms\":150,") }
            try await fleet.publishProbes(slow)

            var kills = 0
            while kills < 8 {
                try await Task.sleep(for: .seconds(1))
                let victim = kills % workers.count
                kill(workers[victim].processIdentifier, SIGKILL)
                workers[victim].waitUntilExit()
                workers[victim] = try fleet.startWorker()
                kills += 1
            }
            let doneWhenKillingStopped = try await fleet.count("SELECT count(*) FROM probe_results")
            #expect(doneWhenKillingStopped < probes.succeeding.count, "the kills happened mid-run")
            try await Self.expectExactlyOnce(fleet, (slow, probes.succeeding, probes.permanent))
        }
    }

    @Test func workersRecoverFromABrokerRestartOnTheirOwn() async throws {
        try await withFleet { fleet in
            let workers = [try fleet.startWorker(), try fleet.startWorker()]
            let probes = DeliveryGuaranteeTests.mixedProbes(prefix: "broker")
            let slow = probes.bodies.map { $0.replacingOccurrences(of: "{\"v\":1,", with: "{\"v\":1,\"sleep_ms\":5,") }
            try await fleet.publishProbes(slow)
            try await eventually("the run to get going", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results") >= 200
            }
            try ServicesControl.run("rabbitmqctl", "stop_app")
            var restarted = false
            defer { if !restarted { try? ServicesControl.run("rabbitmqctl", "start_app") } }
            try await Task.sleep(for: .seconds(2))
            #expect(workers.allSatisfy { $0.isRunning }, "a broker outage does not end the workers")
            try ServicesControl.run("rabbitmqctl", "start_app")
            restarted = true
            try await Self.expectExactlyOnce(fleet, (slow, probes.succeeding, probes.permanent))
            #expect(workers.allSatisfy { $0.isRunning })
        }
    }

    @Test func workersRecoverFromAPostgresRestartOnTheirOwn() async throws {
        try await withFleet { fleet in
            let workers = [try fleet.startWorker(), try fleet.startWorker()]
            let probes = DeliveryGuaranteeTests.mixedProbes(prefix: "database")
            let slow = probes.bodies.map { $0.replacingOccurrences(of: "{\"v\":1,", with: "{\"v\":1,\"sleep_ms\":5,") }
            try await fleet.publishProbes(slow)
            try await eventually("the run to get going", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results") >= 200
            }
            try ServicesControl.run("postgres-restart", "2")
            #expect(workers.allSatisfy { $0.isRunning }, "a database outage does not end the workers")
            try await Self.expectExactlyOnce(fleet, (slow, probes.succeeding, probes.permanent))
            #expect(workers.allSatisfy { $0.isRunning })
        }
    }
}
