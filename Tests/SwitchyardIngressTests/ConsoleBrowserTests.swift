import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// The operator console in a real browser: Playwright drives Debian's Chromium
/// (`console_browser.py`) against the ingress, broker and database of a test fleet, and this
/// test checks in the database what the clicks did.
@Suite(.serialized, .timeLimit(.minutes(4))) struct ConsoleBrowserTests {
    /// Where the screenshots go: SWITCHYARD_CONSOLE_SCREENSHOTS, else .build/console-screenshots.
    static var screenshotDirectory: URL {
        if let folder = ProcessInfo.processInfo.environment["SWITCHYARD_CONSOLE_SCREENSHOTS"] { return URL(filePath: folder) }
        return URL(filePath: FileManager.default.currentDirectoryPath).appending(path: ".build/console-screenshots")
    }

    @Test func anOperatorSignsInSeesTheQueuesReplaysAndPurgesDeadLettersAndFollowsAJob() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "scripts/test installs Debian's chromium")
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let token = try ConsoleHarness.createOperator(fleet, "olive")
            try fleet.startWorker(["probe", "dead-letters"])
            let until = Int64(Date().timeIntervalSince1970 * 1000) + 2_000
            try await fleet.publishProbes([
                #"{"v":1,"id":"purge-me","permanent":true}"#, #"{"v":1,"id":"<script>alert(1)</script>","permanent":true}"#,
                #"{"v":1,"id":"replay-me","fail_until_ms":\#(until)}"#,
            ])
            try await eventually("three dead letters to be archived", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM dead_letters") == 3
            }
            func letter(_ marker: String) async throws -> String {
                try await fleet.text("SELECT id::text FROM dead_letters WHERE convert_from(body, 'UTF8') LIKE '%\(marker)%'")
            }
            let (replayID, purgeID, scriptID) = (try await letter("replay-me"), try await letter("purge-me"), try await letter("<script>"))
            let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":{"n":1}}"#)
            let jobID = try #require(created.json["job_id"] as? String, "\(created.bodyText)")
            // The probe fails until `until`; the browser replays it later than that.
            try await Task.sleep(until: .now + .milliseconds(max(0, until - Int64(Date().timeIntervalSince1970 * 1000)) + 100), clock: .continuous)

            let markers = fleet.logDirectory.appending(path: "console-markers")
            try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
            let script = try #require(Bundle.module.url(forResource: "console_browser", withExtension: "py"))
            let browser = Process()
            browser.executableURL = URL(filePath: "/usr/bin/env")
            browser.arguments = [ProcessInfo.processInfo.environment["SWITCHYARD_TEST_PYTHON"] ?? "python3", script.path]
            browser.environment = ProcessInfo.processInfo.environment.merging([
                "CONSOLE_URL": "http://127.0.0.1:\(tenants.ingress.port)", "CONSOLE_TOKEN": token, "TENANT_KEY": tenants.a.key,
                "REPLAY_ID": replayID, "PURGE_ID": purgeID, "SCRIPT_ID": scriptID, "JOB_ID": jobID, "MARKER_DIR": markers.path,
                "SCREENSHOT_DIR": Self.screenshotDirectory.path,
            ]) { $1 }
            let output = fleet.logDirectory.appending(path: "console_browser.log")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            browser.standardOutput = handle
            browser.standardError = handle
            try browser.run()
            defer { if browser.isRunning { browser.terminate() } }

            // The job's page is open: start the worker whose progress it must show live.
            try await eventually("the browser to open the job's page", timeout: .seconds(120)) {
                FileManager.default.fileExists(atPath: markers.appending(path: "job-page-open").path) || !browser.isRunning
            }
            try fleet.startWorker(["workflow"], environment: WorkflowHarness.workerEnvironment)
            try await eventually("the browser script to finish", timeout: .seconds(120)) { !browser.isRunning }
            let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            #expect(browser.terminationStatus == 0 && log.hasSuffix("ok\n"), "console_browser.py:\n\(log)")

            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'replay-me'") == 1, "the replayed probe's row, once")
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE id = \(replayID) AND replay_count = 1 AND replayed_by = 'olive@console'") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE discarded_at IS NOT NULL") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE id = \(purgeID) AND discarded_at IS NOT NULL") == 1)
            #expect(try await fleet.count("""
                SELECT count(*) FROM operator_actions WHERE operator_name = 'olive'
                AND ((action = 'replay' AND detail->'replayed' = '[\(replayID)]') OR (action = 'purge' AND detail->'discarded' = '[\(purgeID)]'))
                AND affected = 1
                """) == 2)
            for name in ["console-overview.png", "console-dead-letters.png"] {
                let data = try Data(contentsOf: Self.screenshotDirectory.appending(path: name))
                #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]) && data.count > 10_000, "\(name): \(data.count) bytes")
            }
        }
    }
}
