import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// From POST to completed job with processes dying on the way: nothing lost, nothing doubled.
@Suite(.serialized, .timeLimit(.minutes(3))) struct JobDeliveryTests {
    static let jobs = 240

    @Test func jobsStartedWhileWorkersAndTheIngressAreKilledEachCompleteExactlyOnce() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let port = tenants.ingress.port
            let client = tenants.ingress.client
            var workers = [try fleet.startWorker(["workflow"]), try fleet.startWorker(["workflow"])]

            // Producers: each job has its own Idempotency-Key and is retried until it gets 201,
            // as a client of a job API does when the connection breaks or the answer is 5xx.
            let producers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for lane in 0..<6 {
                        group.addTask {
                            for index in stride(from: lane, to: Self.jobs, by: 6) {
                                let deadline = ContinuousClock.now + .seconds(60)
                                while true {
                                    let response = try? await client.execute(HTTPRequest(
                                        method: .post, url: "http://127.0.0.1:\(port)/v1/workflows/echo/jobs",
                                        headers: [
                                            HTTPHeader("Authorization", "Bearer \(tenants.a.key)"),
                                            HTTPHeader("Content-Type", "application/json"), HTTPHeader("Idempotency-Key", "job-\(index)"),
                                        ],
                                        body: Array(#"{"input":{"index":\#(index)}}"#.utf8), timeout: .seconds(5)))
                                    if response?.status == 201 { break }
                                    try #require(ContinuousClock.now < deadline, "job \(index) never got a 201: \(response?.bodyText ?? "no answer")")
                                    try await Task.sleep(for: .milliseconds(50))
                                }
                                // Paced, so the kills below land while jobs are still arriving.
                                try await Task.sleep(for: .milliseconds(100))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }

            var ingress = tenants.ingress.process
            for kill in 0..<6 {
                try await Task.sleep(for: .milliseconds(400))
                if kill == 2 {
                    Glibc.kill(ingress.processIdentifier, SIGKILL)
                    ingress.waitUntilExit()
                    ingress = try fleet.start(["ingress", "--port", "\(port)"])
                } else {
                    let victim = kill % workers.count
                    Glibc.kill(workers[victim].processIdentifier, SIGKILL)
                    workers[victim].waitUntilExit()
                    workers[victim] = try fleet.startWorker(["workflow"])
                }
            }
            let completedWhenKillingStopped = try await fleet.count("SELECT count(*) FROM jobs WHERE status = 'completed'")
            #expect(completedWhenKillingStopped < Self.jobs, "the kills happened mid-run")
            try await producers.value

            try await eventually("every job to complete", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM jobs WHERE status = 'completed'") == Self.jobs
            }
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == Self.jobs, "one job per Idempotency-Key, across an ingress crash")
            #expect(try await fleet.count("SELECT count(DISTINCT input->>'index') FROM jobs") == Self.jobs)
            #expect(try await fleet.count("SELECT count(*) FROM jobs WHERE jsonb_array_length(state_history) <> 3") == 0,
                    "every job went pending → running → completed once")
            #expect(try await fleet.count("SELECT count(*) FROM live_updates") == 3 * Self.jobs, "three live updates per job, none doubled")
            #expect(try await fleet.count("SELECT count(*) FROM inbox WHERE consumer LIKE '%workflow%'") == Self.jobs)
            let depths = try await fleet.depths(["sy.work.workflow", "sy.work.workflow.high"])
            #expect(depths.values.allSatisfy { $0 == 0 }, "\(depths)")
            await client.shutdown()
        }
    }
}
