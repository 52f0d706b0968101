import Foundation
import Switchyard
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// A quorum queue whose dead-letter worker is gone (as RabbitMQ 3.10.8 can leave one after its
/// leader changes) keeps its expired retries in `messages_dlx` for good; the `dead-letters`
/// role's watch notices and moves the queue's leadership, and the retries go on.
@Suite(.serialized, .timeLimit(.minutes(6))) struct DeadLetterStallTests {
    @Test func aRetryTierWhoseDeadLetterWorkerIsGoneIsNoticedAndRecovered() async throws {
        let cluster = try TestCluster.up()
        try await withFleet(on: cluster) { fleet in
            let tier = "sy.retry.1s"
            let before = try await Self.queue(tier, in: fleet)
            let leader = try #require(before["leader"]?.string)
            #expect(before["members"]?.array?.count == 3, "three replicas on the cluster: \(before)")
            // Stop the tier's dead-letter worker on its leader for good, as the broker's race does.
            let node = try #require(leader.split(separator: "@").first?.split(separator: "-").last.map(String.init))
            let stopped = try TestCluster.run("rabbitmqctl", node, "eval", """
                [supervisor:terminate_child(rabbit_fifo_dlx_sup, P) || {_, P, _, _} <- supervisor:which_children(rabbit_fifo_dlx_sup), \
                element(2, sys:get_state(P)) =:= {resource, <<"\(fleet.vhost.name)">>, queue, <<"\(tier)">>}].
                """)
            try #require(stopped.contains("[ok]"), "the tier's dead-letter worker was stopped: \(stopped)")

            try fleet.startWorker(["probe"])
            let ids = (0..<20).map { "stalled-\($0)" }
            // Rate-limited once for 0.5 s: each goes through the 1 s tier.
            try await fleet.publishProbes(ids.map { #"{"v":1,"id":"\#($0)","transient_failures":1,"retry_after_ms":500}"# })
            try await eventually("the expired retries to wait in the tier's dead-letter state", timeout: .seconds(60)) {
                try await Self.queue(tier, in: fleet)["messages_dlx"]?.integer == 20
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 0, "nothing moves them on its own")

            try fleet.startWorker(["dead-letters"], environment: [
                "SWITCHYARD_DLX_STALL_SECONDS": "5", "SWITCHYARD_RABBITMQ_QUEUES_COMMAND": cluster.queuesCommand,
            ])
            try await eventually("every retried probe to land", timeout: .seconds(120)) {
                try await fleet.count("SELECT count(*) FROM probe_results") == 20
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE attempts > 1 AND effects = 1") == 20)
            try await eventually("the recovery (replica removed and added back) to be recorded", timeout: .seconds(90)) {
                try await fleet.count(
                    "SELECT count(*) FROM dead_letter_stalls WHERE queue = 'sy.retry.1s' AND recoveries >= 1 AND last_recovery LIKE 'members: %'") == 1
            }
            try await eventually("the stall to be cleared", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM dead_letter_stalls WHERE cleared_at IS NOT NULL") == 1
            }
            // The statistics can show the old backlog for a while after the move; a second
            // recovery on them would take the replica of the new leader.
            let recoveries = try await fleet.count("SELECT recoveries FROM dead_letter_stalls WHERE queue = 'sy.retry.1s'")
            #expect(recoveries == 1, "one recovery, not \(recoveries)")
            // The management API shows the leader from its statistics, refreshed every few
            // seconds: on a busy machine the move shows a little after the stall is cleared.
            try await eventually("the leadership to show as moved", timeout: .seconds(30)) {
                try await Self.queue(tier, in: fleet)["leader"]?.string != leader
            }
            try await eventually("the replica to be back", timeout: .seconds(60)) {
                try await Self.queue(tier, in: fleet)["members"]?.array?.count == 3
            }
        }
    }

    /// The management API's view of one queue of the fleet's vhost.
    static func queue(_ name: String, in fleet: Fleet) async throws -> JSONValue {
        let response = try await fleet.vhost.management.request(
            .get, "/api/queues/\(RabbitMQManagement.encode(fleet.vhost.name))/\(RabbitMQManagement.encode(name))")
        return try JSONDecoder().decode(JSONValue.self, from: Data(response.body))
    }
}
