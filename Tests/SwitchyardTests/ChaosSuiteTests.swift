import Foundation
import SwitchyardTestSupport
import Testing

/// The fault suite's short versions: `scripts/chaos --short` runs every scenario against the
/// 3-node cluster, Postgres (with a standby for the failover) and real worker and ingress
/// processes, then counts rows. Every scenario must lose nothing and do nothing twice; in
/// `dlx-stall` the retry tier's dead-letter worker is stopped and the fleet must recover it; in
/// `pg-hang` and `queue-stall` the database or the work queue answers nothing for a while, and a
/// worker stopped and another killed meanwhile must come back.
@Suite(.serialized, .timeLimit(.minutes(15))) struct ChaosSuiteTests {
    struct Record {
        var scenario: String
        var fields: [String: Any]
        func int(_ key: String) -> Int { (fields[key] as? NSNumber)?.intValue ?? -1 }
    }

    @Test func everyScenarioLosesNothingAndDuplicatesNothing() throws {
        let records = try Self.runChaos()
        let scenarios = [
            "worker-kill", "node-kill", "broker-restart", "pg-restart", "pg-failover", "ingress-kill", "dlx-stall",
            "pg-hang", "queue-stall",
        ]
        #expect(records.map(\.scenario) == scenarios.map { "chaos-\($0)" }, "one record per scenario")
        for record in records {
            let name = record.scenario
            #expect(record.int("published") > 100, "\(name): the producer ran")
            #expect(record.int("confirmed") == record.int("published"), "\(name): every event confirmed in the end")
            #expect(record.int("value") == 0, "\(name): lost \(record.int("value"))")
            #expect(record.int("duplicated") == 0, "\(name): duplicated \(record.int("duplicated"))")
            #expect(record.fields["drained"] as? String == "yes", "\(name): every confirmed event landed")
            #expect(record.int("rows") + record.int("dead_letters") >= record.int("confirmed"), "\(name)")
            #expect(record.int("faults") >= 1, "\(name): the fault happened")
        }
        #expect((records.first { $0.scenario == "chaos-dlx-stall" }?.int("stall_recoveries") ?? 0) >= 1,
                "the stalled retry tier was noticed and recovered")
        for name in ["chaos-pg-hang", "chaos-queue-stall"] {
            // Nothing lands while the database or the queue answers nothing (5 s in the short form).
            #expect((records.first { $0.scenario == name }?.fields["recovery_s"] as? NSNumber)?.doubleValue ?? 0 >= 4,
                    "\(name): the hang or stall held the throughput back")
        }
        for name in ["chaos-worker-kill", "chaos-ingress-kill", "chaos-pg-hang", "chaos-queue-stall"] {
            #expect((records.first { $0.scenario == name }?.int("process_restarts") ?? 0) >= 2,
                    "\(name): stopped and killed processes came back")
        }
    }

    /// Runs `scripts/chaos --short` with the test build's binaries; its JSON records.
    static func runChaos() throws -> [Record] {
        let results = FileManager.default.temporaryDirectory.appending(path: "chaos-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: results) }
        let process = Process()
        process.executableURL = TestEnvironment.repositoryRoot.appending(path: "scripts/chaos")
        process.arguments = ["--short", "--bin", SwitchyardProcess.executable.deletingLastPathComponent().path]
        var environment = ProcessInfo.processInfo.environment
        environment["BENCH_JSONL"] = results.path
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appending(path: "chaos-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let status = process.exitStatus(within: .seconds(14 * 60))
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "scripts/chaos --short \(status.map { "exited \($0)" } ?? "ran over 14 minutes"):\n\(output.suffix(6000))")
        let lines = ((try? String(contentsOf: results, encoding: .utf8)) ?? "").split(separator: "\n")
        return try lines.map { line in
            let fields = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return Record(scenario: fields["scenario"] as? String ?? "", fields: fields)
        }
    }
}
