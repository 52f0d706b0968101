import Foundation
import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// A worker stopped while the database answers nothing (its server stopped, as one whose disk
/// hangs: the connections stay open) ends at its stop deadline instead of waiting for the
/// database, and nothing is lost: the next worker runs what it left.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HungDatabaseStopTests {
    @Test func aWorkerStoppedWhileTheDatabaseHangsExitsAtItsStopDeadline() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(["probe", "--grace-period", "2"])
            try await fleet.publishProbes([#"{"v":1,"id":"warm"}"#])
            try await eventually("the warm-up to run", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'warm'") == 1
            }
            try await fleet.publishProbes((0..<5).map { #"{"v":1,"id":"slow-\#($0)","sleep_ms":30000}"# })
            try await eventually("the worker to take the slow probes", timeout: .seconds(20)) {
                try ServicesControl.script("services", ["rabbitmqctl", "list_queues", "-p", fleet.vhost.name, "name", "messages_unacknowledged"])
                    .split(separator: "\n").contains("sy.work.probe\t5")
            }
            let limit = .seconds(2) + StopDeadline.margin
            let (status, stopped) = try await ServicesControl.whileDatabaseHangs {
                let stopping = ContinuousClock.now
                worker.terminate()
                return (worker.exitStatus(within: limit + .seconds(15)), ContinuousClock.now - stopping)
            }
            #expect(status == 1, "\(fleet.logs())")
            #expect(stopped >= limit && stopped < limit + .seconds(5), "stopped after \(stopped)")
            #expect(fleet.logLines(containing: "the stop did not finish in time").count == 1, "\(fleet.logs())")

            try fleet.startWorker(["probe"])
            try await eventually("the next worker to run the slow probes", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'slow-%'") == 5
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 6, "each probe ran once")
        }
    }
}
