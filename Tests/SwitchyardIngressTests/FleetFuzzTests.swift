// The fleet fuzzed: hostile requests into a running ingress and the workers behind it.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// `fuzz_fleet.py` sends mutated webhooks, events, workflows, automations, generations,
/// transformers, reads, live-update streams, the operator console's pages and forms, and raw
/// HTTP bytes to an ingress with every pipeline's workers behind it and to the metrics ports of
/// a worker and of an outbox relay, and checks each answer (under 500, a JSON error for every 4xx, a console page naming
/// its problem); it also publishes mutated messages of every event type straight to the
/// broker, and runs `switchyard` commands with hostile arguments (exit 0, 1 or 2; a refusal in
/// one line). Afterwards every process must still run without having lost a shared connection,
/// the work queues drain, and a fresh conversation and a fresh job still go all the way through.
///
/// In the suite it runs for 20 s at seed 1; `scripts/fuzz` runs it for longer at a new seed
/// (`SWITCHYARD_FUZZ_SECONDS`, `SWITCHYARD_FUZZ_SEED`).
@Suite(.serialized, .timeLimit(.minutes(30))) struct FleetFuzzTests {
    static let kiroSecret = "whsec_" + Data("switchyard-fuzz-kiro-secret-32-bytes".utf8).base64EncodedString()
    static let idleTimeout = 3

    @Test func hostileRequestsGetClearAnswersAndTheFleetKeepsWorking() async throws {
        let settings = ProcessInfo.processInfo.environment
        let seconds = Int(settings["SWITCHYARD_FUZZ_SECONDS"] ?? "") ?? 20
        let seed = Int(settings["SWITCHYARD_FUZZ_SEED"] ?? "") ?? 1
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "fuzz"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            _ = try EventsTests.cli(fleet, ["users", "grant", "--tenant", tenant, "--user", "ana", "--credits", "40", "--daily-limit", "15"])
            let blobURL = "file://\(fleet.logDirectory.appending(path: "blobs").path)"
            let ingress = try await IngressHarness.start(fleet, environment: [
                "SWITCHYARD_WEBHOOK_SECRET_KIRO": Self.kiroSecret, "SWITCHYARD_WEBHOOK_TENANT_TAVUS": "fuzz",
                "SWITCHYARD_BLOB_URL": blobURL, "SWITCHYARD_SECRETS_KEY": WorkflowHarness.secretsKey,
                "SWITCHYARD_HTTP_IDLE_TIMEOUT": "\(Self.idleTimeout)",
                "SWITCHYARD_API_RATE": "100000", "SWITCHYARD_API_BURST": "100000",
                "SWITCHYARD_AUTH_FAILURE_RATE": "100000", "SWITCHYARD_AUTH_FAILURE_BURST": "100000",
            ])
            try fleet.startWorker(["analysis", "planning", "build"], environment: [
                "SWITCHYARD_WEBHOOK_SECRET_KIRO": Self.kiroSecret, "SWITCHYARD_PUBLIC_URL": "http://127.0.0.1:\(ingress.port)",
            ])
            let metricsPort = try freeLoopbackPort()
            try fleet.startWorker(
                ["workflow", "automations", "dead-letters", "--metrics-port", "\(metricsPort)"],
                environment: WorkflowHarness.workerEnvironment.merging(["SWITCHYARD_HTTP_IDLE_TIMEOUT": "\(Self.idleTimeout)"]) { $1 })
            try fleet.startWorker(["imagegen"], environment: ["SWITCHYARD_BLOB_URL": blobURL])
            let relayMetricsPort = try freeLoopbackPort()
            try fleet.start(["relay", "--metrics-port", "\(relayMetricsPort)"], environment: ["SWITCHYARD_HTTP_IDLE_TIMEOUT": "\(Self.idleTimeout)"])
            let processes = fleet.running.count
            let operatorToken = try EventsTests.cli(fleet, ["operators", "create", "fuzz-operator"])
            let chatbot = try await ingress.send(.post, "/v1/chatbots", key: key, body: #"{"name":"Fuzzed helpdesk"}"#)
            let chatbotID = try #require(chatbot.json["id"] as? String, "\(chatbot.bodyText)")

            let script = try #require(Bundle.module.url(forResource: "fuzz_fleet", withExtension: "py"))
            let run = try runTestPython([
                script.path, "--port", "\(ingress.port)", "--key", key, "--tavus-secret", IngressHarness.secret,
                "--kiro-secret", Self.kiroSecret, "--user", "ana", "--chatbot", chatbotID, "--seconds", "\(seconds)",
                "--seed", "\(seed)", "--idle-timeout", "\(Self.idleTimeout)", "--operator-token", operatorToken,
                "--metrics-port", "\(metricsPort)", "--metrics-port", "\(relayMetricsPort)", "--management-url", TestEnvironment.managementURL, "--vhost", fleet.vhost.name,
                "--tenant", tenant, "--switchyard", SwitchyardProcess.executable.path,
            ], environment: fleet.environment)
            #expect(run.status == 0, "fuzz_fleet.py (seed \(seed)) found problems:\n\(run.output.suffix(12_000))")
            let report = try #require(run.output.split(separator: "\n").last.flatMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }, "\(run.output.suffix(2_000))")
            let requests = report["requests"] as? Int ?? 0
            #expect(requests > seconds * 20, "it sent requests all along: \(report)")
            #expect(report["console_signed_in"] as? Bool == true, "the console's forms were reached: \(report)")
            #expect(report["streams_opened"] as? Int ?? 0 > 0, "live-update streams were opened: \(report)")
            #expect(report["broker_routed"] as? Int ?? 0 > 0, "messages published straight to the broker reached queues: \(report)")
            let metricsAnswered = report["metrics_answered"] as? [String: Int] ?? [:]
            #expect(metricsAnswered["\(metricsPort)"] ?? 0 > 0 && metricsAnswered["\(relayMetricsPort)"] ?? 0 > 0,
                    "the worker's and the relay's metrics ports answered: \(metricsAnswered)")
            let statuses = report["by_status"] as? [String: Int] ?? [:]
            #expect(statuses.keys.contains { $0.hasPrefix("2") } && statuses.keys.contains { $0.hasPrefix("4") },
                    "some requests got through and some were refused: \(statuses)")
            #expect(statuses["cli 2"] ?? 0 > 0, "switchyard commands were run and refused: \(statuses)")

            #expect(fleet.running.count == processes, "every process survived:\n\(fleet.logs().suffix(6_000))")
            let roles = ["analysis", "planning", "build", "workflow", "automations", "imagegen"]
            let queues = roles.flatMap { ["sy.work.\($0)", "sy.work.\($0).high", "sy.dlq.\($0)"] }
            try await eventually("the work queues and the dead-letter queues to drain", timeout: .seconds(120)) {
                try await fleet.depths(queues).values.allSatisfy { $0 == 0 }
            }
            // What the ingress accepted, a worker can read: none of it is dead-lettered as invalid.
            let invalid = try await fleet.text("""
                SELECT coalesce(string_agg(origin_queue || ': ' || left(error, 200) || ' <- ' || left(convert_from(body, 'UTF8'), 300), E'\n'), '')
                FROM (SELECT * FROM dead_letters WHERE error_class = 'validation'
                      AND coalesce(properties->>'app_id', '') NOT IN ('fuzz-broker', 'switchyard-cli') LIMIT 5) d
                """)
            #expect(invalid.isEmpty, "accepted, then dead-lettered as invalid:\n\(invalid)")
            // No process lost a shared connection on the way (a worker's broker session, a commit's database connection).
            let logs = fleet.logs()
            for dropped in ["session ended; reconnecting", "the connection was lost"] {
                #expect(!logs.contains(dropped), "a shared connection was dropped (\(dropped)):\n\(logs.suffix(6_000))")
            }

            // The pipelines still go all the way through.
            let accepted = try await ingress.webhook(body: DevelopmentPipelineTests.webhook.replacingOccurrences(of: "conv-bloom", with: "conv-after-fuzz"))
            #expect(accepted.status == 200, "\(accepted.bodyText)")
            let job = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input":{"after":"fuzz"}}"#)
            let jobID = try #require(job.json["job_id"] as? String, "\(job.bodyText)")
            try await eventually("a fresh conversation to be planned and a fresh job to complete", timeout: .seconds(60)) {
                let planned = try await fleet.count(
                    "SELECT count(*) FROM projects WHERE conversation_id = 'conv-after-fuzz' AND planned_at IS NOT NULL")
                let done = try await ingress.send(.get, "/v1/jobs/\(jobID)", key: key).json["status"] as? String
                return planned == 1 && done == "completed"
            }
            await ingress.client.shutdown()
        }
    }
}
