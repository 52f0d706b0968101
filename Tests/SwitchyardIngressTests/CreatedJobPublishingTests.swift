// The ingress publishes the first event of a job it creates right after the commit, with the
// outbox relay as the safety net.

import Foundation
import SwitchyardAMQP
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct CreatedJobPublishingTests {
    /// Creates `count` jobs of the built-in `echo` workflow as tenant A; each must be 201 (which
    /// does not wait for the broker).
    static func createEchoJobs(_ count: Int, as tenants: JobAPITests.Tenants) async throws {
        for index in 0..<count {
            let created = try await tenants.ingress.send(
                .post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":{"n":\#(index)}}"#)
            try #require(created.status == 201, "\(created.bodyText)")
        }
    }

    /// With no relay anywhere, created jobs still run: the ingress published each first step
    /// itself, under a lease, and marked its row sent.
    @Test func theIngressPublishesACreatedJobsFirstStepWithoutARelay() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet, ingressArguments: ["--no-relay"])
            try fleet.startWorker(["workflow", "--no-relay"])
            try await Self.createEchoJobs(10, as: tenants)
            try await eventually("every job to complete", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM jobs WHERE status = 'completed'") == 10
            }
            try await eventually("every row to be marked sent", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            }
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE routing_key = 'workflow.step'") == 10)
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE relay_after > created_at") == 10,
                    "each row was written under a lease")
            #expect(try await fleet.count(
                "SELECT count(*) FROM outbox WHERE published_at BETWEEN created_at AND created_at + interval '5 seconds' AND attempts = 0") == 10,
                    "published_at is the confirm's time, after the commit, and no relay tried")
            await tenants.ingress.client.shutdown()
        }
    }

    /// A first step the broker can't route (the workflow queue's binding is gone) is given back
    /// to the ingress's relay at once, before the lease would have passed, and runs once the
    /// binding is back.
    @Test func aFirstStepTheBrokerRefusesIsGivenBackToTheRelay() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            try await channel.unbindQueue("sy.work.workflow", exchange: "sy.events", routingKey: "workflow.step")
            let created = ContinuousClock.now
            try await Self.createEchoJobs(3, as: tenants)
            try await eventually("the relay to have tried every first step", timeout: .seconds(4)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE attempts > 0 AND last_error LIKE '%unroutable%'") == 3
            }
            #expect(ContinuousClock.now - created < .seconds(5), "the relay did not wait for the lease to pass")
            #expect(fleet.logs().contains("follow-ups not published; the relay takes them over"))

            try await channel.bindQueue("sy.work.workflow", exchange: "sy.events", routingKey: "workflow.step")
            await connection.close()
            try fleet.startWorker(["workflow"])
            try await eventually("the jobs to complete once routable", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM jobs WHERE status = 'completed'") == 3
            }
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0)
            await tenants.ingress.client.shutdown()
        }
    }

    /// An ingress killed after its commits and before its publishes (the broker blocks
    /// publishers) loses no job: every job runs once, published by a relay. Under the alarm the
    /// first publish waits for its confirm until half a second after the broker has said it
    /// blocks the connection, the later ones fail at once, unsent, and all their rows are given
    /// back to the relay, not held for the 5 s confirm timeout.
    @Test func theJobsOfAKilledIngressRunOnceAfterTheBrokerBlockedItsPublishes() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet, ingressArguments: ["--no-relay"])
            try await ServicesControl.whileBrokerBlocksPublishers {
                let created = ContinuousClock.now
                try await Self.createEchoJobs(10, as: tenants)
                #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 10,
                        "committed, not published (the broker blocks publishers)")
                try await eventually("every row to be given back to the relay", timeout: .seconds(10)) {
                    try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL AND relay_after = '-infinity'") == 10
                }
                let givenBack = ContinuousClock.now - created
                #expect(givenBack < .seconds(4), "given back after \(givenBack), not soon after the block")
                kill(tenants.ingress.process.processIdentifier, SIGKILL)
                tenants.ingress.process.waitUntilExit()
            }

            try fleet.startWorker(["workflow"])
            try await eventually("every job to complete", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM jobs WHERE status = 'completed'") == 10
            }
            try await eventually("every row to be marked sent", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            }
            #expect(try await fleet.count("SELECT count(*) FROM job_steps") == 10, "each job's step ran once")
            await tenants.ingress.client.shutdown()
        }
    }
}
