import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardTestSupport
import Testing

/// Follow-ups published by the worker that committed them, right after the commit, with the
/// outbox relay as the safety net (rows under a lease, given back when a publish fails).
@Suite(.serialized, .timeLimit(.minutes(3))) struct FollowUpPublishingTests {
    /// With no relay anywhere, every follow-up still goes out (the worker publishes it) and its
    /// row is marked sent; the rows were written under a lease.
    @Test func aWorkerPublishesItsFollowUpsWithoutARelay() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["probe", "--no-relay"])
            try await fleet.publishProbes((0..<20).map { #"{"v":1,"id":"first-\#($0)","follow_up":"next-\#($0)"}"# })
            try await eventually("the follow-ups to run", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'next-%'") == 20
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 40)
            #expect(try await fleet.count("SELECT count(*) FROM outbox") == 20)
            try await eventually("every row to be marked sent", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            }
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE relay_after > created_at") == 20,
                    "each row was written under a lease")
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE attempts > 0") == 0)
            #expect(try await fleet.count(
                "SELECT count(*) FROM outbox WHERE published_at BETWEEN created_at AND created_at + interval '5 seconds'") == 20,
                    "published_at is the confirm's time, after the commit")
        }
    }

    /// A worker stops within its grace periods while a queue its follow-ups go to confirms
    /// nothing (its Raft server suspended, as a queue that lost its quorum): it waits for the
    /// follow-ups' confirms as long as their lease, then leaves them to the relays; its relay's
    /// publish of them times out, and closing the connections doesn't wait for a `close-ok` the
    /// broker doesn't send. Once the queue goes on, the next worker's relay publishes the rows,
    /// and each follow-up ran once.
    @Test func aWorkerStopsWhileAQueueOfItsFollowUpsConfirmsNothing() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(["probe"])
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel(confirms: true)
            // A second queue for the probes' follow-ups, which stalls; sy.work.probe goes on.
            try await channel.declareQueue("stalled-copy", arguments: ["x-queue-type": "quorum"])
            try await channel.bindQueue("stalled-copy", exchange: "sy.events", routingKey: "probe.#")
            try await fleet.publishProbes([#"{"v":1,"id":"warm","follow_up":"warm-next"}"#])
            try await eventually("the warm-up to run", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'warm-next'") == 1
            }
            let (status, stopped) = try await ServicesControl.whileQueuesStopConfirming(vhost: fleet.vhost.name, queue: "stalled-copy") {
                for index in 0..<5 {
                    let event = OutgoingEvent(type: "probe.run", body: Array(#"{"v":1,"id":"first-\#(index)","follow_up":"next-\#(index)"}"#.utf8))
                    try await channel.publish(AMQPOutgoingMessage(
                        exchange: "", routingKey: "sy.work.probe", body: event.body, properties: event.properties(appID: "fleet-test")))
                }
                try await eventually("the probes to run", timeout: .seconds(20)) {
                    try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'first-%'") == 5
                }
                let stopping = ContinuousClock.now
                worker.terminate()
                return (worker.exitStatus(within: .seconds(45)), ContinuousClock.now - stopping)
            }
            // The follow-ups' wait (the 5 s lease), the relay's confirm timeout (10 s) and a
            // close-ok never sent (5 s) at most, one after the other.
            #expect(status == 0, "the worker did not exit within 45 s of SIGTERM: \(fleet.logs())")
            #expect(stopped < .seconds(30), "stopped after \(stopped)")
            #expect(fleet.logLines(containing: "stopping without the broker's confirms of some follow-ups").count == 1, "\(fleet.logs())")
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 5)

            try fleet.startWorker(["probe"])
            try await eventually("a relay to publish the rows once the queue goes on", timeout: .seconds(90)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            }
            try await eventually("the copies to be absorbed", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'next-%'") == 5
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 12, "each probe and follow-up ran once")
            try await channel.deleteQueue("stalled-copy")
            await connection.close()
        }
    }

    /// A follow-up the broker can't route (its binding is gone) is given back to the relay at
    /// once, before its lease would have passed, and goes out when the binding is back.
    @Test func aFollowUpTheBrokerRefusesIsGivenBackToTheRelay() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["probe"])
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel(confirms: true)
            try await channel.unbindQueue("sy.work.probe", exchange: "sy.events", routingKey: "probe.#")
            // The first probes go to the work queue by name; their follow-ups go to sy.events.
            // One at a time, so that each follow-up is a publish of its own.
            let published = ContinuousClock.now
            for index in 0..<5 {
                let event = OutgoingEvent(type: "probe.run", body: Array(#"{"v":1,"id":"first-\#(index)","follow_up":"next-\#(index)"}"#.utf8))
                try await channel.publish(AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: event.body,
                    properties: event.properties(appID: "fleet-test"), mandatory: true))
                try await eventually("probe \(index) to be handled", timeout: .seconds(10)) {
                    try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'first-\(index)'") == 1
                }
            }
            try await eventually("the relay to have tried every follow-up", timeout: OutboxWriter.lease - .seconds(1)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE attempts > 0 AND last_error LIKE '%unroutable%'") == 5
            }
            #expect(ContinuousClock.now - published < OutboxWriter.lease, "the relay did not wait for the lease to pass")
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'next-%'") == 0)
            // Five refused publishes within the warning's interval (5 s, as long as the lease): one line.
            let lines = fleet.logLines(containing: "follow-ups not published; the relay takes them over")
            #expect(lines.count == 1, "\(lines)")

            try await channel.bindQueue("sy.work.probe", exchange: "sy.events", routingKey: "probe.#")
            await connection.close()
            try await eventually("the follow-ups to run once routable", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'next-%'") == 5
            }
            try await eventually("every row to be marked sent", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            }
        }
    }

    /// Rows the broker keeps refusing (here: no queue takes their routing key), as many as a
    /// relay's batch, don't hold up the rows behind them: each waits a little longer after each
    /// failure, and the next pass takes the others.
    @Test func rowsTheBrokerKeepsRefusingDontHoldUpTheRest() async throws {
        try await withFleet { fleet in
            try await fleet.execute("""
                INSERT INTO outbox (exchange, routing_key, message_id, properties, body)
                SELECT 'sy.events', 'nobody.takes.this', 'refused-' || n, '{}'::jsonb, convert_to('{"v":1}', 'UTF8')
                FROM generate_series(1, 200) AS n
                """)
            try await fleet.execute("""
                INSERT INTO outbox (exchange, routing_key, message_id, properties, body)
                VALUES ('sy.events', 'probe.run', 'behind-them', '{}'::jsonb, convert_to('{"v":1,"id":"behind-them"}', 'UTF8'))
                """)
            try fleet.startWorker(["probe"])
            try await eventually("the row behind the refused ones to be published and run", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'behind-them'") == 1
            }
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE routing_key = 'nobody.takes.this' AND attempts > 0") == 200)
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL AND routing_key = 'nobody.takes.this'") == 0)
        }
    }

    /// A follow-up publish that closes the worker's channel (its exchange is gone: 404) gives
    /// the rows back and starts the worker's session again on fresh connections, as a failed
    /// retry publish does; once the exchange is back, every follow-up runs once.
    @Test func aClosedChannelStartsTheSessionAgainAndLosesNoFollowUp() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(["probe"])
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel(confirms: true)
            try await channel.deleteExchange("sy.events")
            for index in 0..<5 {
                let event = OutgoingEvent(type: "probe.run", body: Array(#"{"v":1,"id":"first-\#(index)","follow_up":"next-\#(index)"}"#.utf8))
                try await channel.publish(AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: event.body,
                    properties: event.properties(appID: "fleet-test"), mandatory: true))
            }
            await connection.close()
            try await eventually("the worker to start its session again", timeout: .seconds(20)) {
                fleet.logs().contains("publishing follow-ups failed")
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'first-%'") == 5)
            try fleet.run(["topology", "apply"])
            try await eventually("the follow-ups to run once the exchange is back", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'next-%'") == 5
            }
            try await eventually("every row to be marked sent", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE effects > 1") == 0, "no effect twice")
            #expect(worker.isRunning, "the worker started a new session, it did not exit")
        }
    }

    /// A worker killed after committing follow-ups it could not publish yet (the broker blocks
    /// publishers: a memory alarm): the next worker's relay publishes them once their lease has
    /// passed, and each follow-up takes effect once.
    @Test func followUpsOfAKilledWorkerGoOutAfterTheirLease() async throws {
        try await withFleet { fleet in
            // The probes wait in the queue while the alarm is set (on a busy machine `rabbitmqctl`
            // takes seconds), so the worker starts into it: every follow-up it commits stays
            // unpublished, whatever the timing.
            try await fleet.publishProbes((0..<20).map { #"{"v":1,"id":"first-\#($0)","follow_up":"next-\#($0)"}"# })
            try await ServicesControl.whileBrokerBlocksPublishers {
                let first = try fleet.startWorker(["probe", "--concurrency", "20"])
                try await eventually("the first probes to commit", timeout: .seconds(20)) {
                    try await fleet.count("SELECT count(*) FROM probe_results") == 20
                }
                #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL AND relay_after > now()") == 20,
                        "committed under a lease, not published (the broker blocks publishers)")
                kill(first.processIdentifier, SIGKILL)
                first.waitUntilExit()
            }

            try fleet.startWorker(["probe"])
            try await eventually("the follow-ups to run", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id LIKE 'next-%'") == 20
            }
            try await eventually("every row to be marked sent", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            }
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE published_at >= relay_after") == 20,
                    "the relay published them after their lease")
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE effects > 1") == 0, "no effect twice")
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 40)
            #expect(try await fleet.depths(["sy.work.probe"])["sy.work.probe"] == 0)
        }
    }

    /// A relay leaves a leased row alone until its lease passes (its writer would publish it),
    /// then publishes it; a row without a lease written after it goes out at once.
    @Test func theRelayWaitsForALeaseToPass() async throws {
        try await withFleet { fleet in
            try fleet.start(["relay"])
            try await fleet.execute(
                """
                INSERT INTO outbox (exchange, routing_key, message_id, body, relay_after)
                VALUES ('sy.events', 'probe.run', 'leased', convert_to('{"v":1,"id":"leased"}', 'UTF8'), now() + interval '3 seconds')
                """)
            try await fleet.execute(
                """
                INSERT INTO outbox (exchange, routing_key, message_id, body)
                VALUES ('sy.events', 'probe.run', 'free', convert_to('{"v":1,"id":"free"}', 'UTF8'))
                """)
            try await fleet.execute("SELECT pg_notify('sy_outbox', '')")
            try await eventually("the row without a lease to go out", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE message_id = 'free' AND published_at IS NOT NULL") == 1
            }
            #expect(try await fleet.count(
                "SELECT count(*) FROM outbox WHERE message_id = 'leased' AND published_at IS NULL AND relay_after > now()") == 1,
                    "the leased row waits while its lease runs")
            try await eventually("the leased row to go out after its lease", timeout: .seconds(15)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE message_id = 'leased' AND published_at >= relay_after") == 1
            }
            #expect(try await fleet.depths(["sy.work.probe"])["sy.work.probe"] == 2)
        }
    }
}
