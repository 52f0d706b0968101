import Foundation
import SwitchyardTestSupport
import Testing

/// A worker whose work queue stalls (a quorum queue whose Raft server is suspended, as one that
/// lost its quorum: the broker answers no `basic.consume` on it for a minute) while the worker
/// starts.
@Suite(.serialized, .timeLimit(.minutes(3))) struct StalledWorkQueueTests {
    /// A process whose setup waits for a consume, and how its log names the failed session.
    struct Setup: Sendable, CustomTestStringConvertible {
        /// `switchyard work` roles.
        var roles: [String]
        /// The queue that stalls; nil: every quorum queue of the vhost.
        var stalledQueue: String?
        /// Part of the client-provided name of the connection whose channel opens last.
        var connection: String
        /// The session's name in "… session ended".
        var session: String
        /// The start of the queue name its failed consume names.
        var queue: String

        var testDescription: String { roles.joined(separator: " ") }
    }

    /// SIGTERM ends the consume the broker doesn't answer: the worker (or the dead-letter
    /// archiver) closes its connections and exits within seconds, not when the broker gives up
    /// on the queue.
    @Test(arguments: [
        Setup(roles: ["probe"], stalledQueue: "sy.work.probe", connection: "(publish)", session: "worker", queue: "sy.work.probe'"),
        Setup(roles: ["dead-letters"], stalledQueue: nil, connection: "switchyard dead-letters", session: "dead-letter archiver", queue: "sy.dlq."),
    ])
    func aProcessStopsWhileItsQueueAnswersNoConsume(_ setup: Setup) async throws {
        try await withFleet { fleet in
            let stopped = try await ServicesControl.whileQueuesStopConfirming(vhost: fleet.vhost.name, queue: setup.stalledQueue) {
                try await stopDuringConsume(fleet, setup.roles, connection: setup.connection)
            }
            #expect(stopped < .seconds(10), "stopped after \(stopped)")
            let ended = fleet.logLines(containing: "\(setup.session) session ended")
            #expect(ended.count == 1 && ended[0].contains("consuming from queue '\(setup.queue)"), "\(ended)")
        }
    }

    /// With an RPC timeout of 2 s (`rpc_timeout` in the AMQP URL), the worker gives the
    /// unanswered consume up, reconnects, and consumes once the queue goes on.
    @Test func aWorkerWhoseQueueAnswersNoConsumeReconnectsAfterTheRPCTimeout() async throws {
        try await withFleet { fleet in
            let url = fleet.vhost.amqpURL + "?rpc_timeout=2000"
            try await ServicesControl.whileQueuesStopConfirming(vhost: fleet.vhost.name, queue: "sy.work.probe") {
                try fleet.startWorker(["probe"], environment: ["SWITCHYARD_AMQP_URL": url])
                try await eventually("the worker to give the consume up", timeout: .seconds(20)) {
                    fleet.logLines(containing: "worker session ended").contains {
                        $0.contains("consuming from queue 'sy.work.probe': the broker did not answer within 2.0 seconds")
                    }
                }
            }
            try await fleet.publishProbes([#"{"v":1,"id":"after-the-stall"}"#])
            try await eventually("the probe to run once the queue goes on", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'after-the-stall'") == 1
            }
        }
    }
}

/// Starts `switchyard work ROLES`, waits until its connection named with `connection` has
/// opened its channel (the consume follows within milliseconds; the callers' logs show that it
/// was under way), sends SIGTERM and requires exit status 0.
/// - Returns: How long the worker took to exit.
private func stopDuringConsume(_ fleet: Fleet, _ roles: [String], connection: String) async throws -> Duration {
    let worker = try fleet.startWorker(roles)
    try await eventually("the worker to open its channels", timeout: .seconds(30)) {
        try ServicesControl.script("services", ["rabbitmqctl", "list_connections", "-p", fleet.vhost.name, "client_properties", "channels"])
            .split(separator: "\n").contains { $0.contains(connection) && $0.hasSuffix("\t1") }
    }
    try await Task.sleep(for: .seconds(1))
    let stopping = ContinuousClock.now
    worker.terminate()
    let status = worker.exitStatus(within: .seconds(90))
    try #require(status == 0, "\(fleet.logs())")
    return ContinuousClock.now - stopping
}
