// A private fleet per test: its own vhost with the topology applied, its own migrated
// database, worker processes started (and killed) like containers, and probe publishing.

import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardPostgres
import SwitchyardRuntime
import SwitchyardTestSupport
import Synchronization
import Testing

/// Worker processes, a vhost and a database that belong to one test.
final class Fleet: Sendable {
    let vhost: TestVirtualHost
    let database: TemporaryDatabase
    let logDirectory: URL
    private let processes = Mutex<[Process]>([])

    init(vhost: TestVirtualHost, database: TemporaryDatabase) throws {
        self.vhost = vhost
        self.database = database
        logDirectory = FileManager.default.temporaryDirectory.appending(path: TestEnvironment.uniqueName("fleet-logs"))
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
    }

    /// The environment that points `switchyard` at this fleet's broker vhost and database.
    var environment: [String: String] {
        vhost.environment.merging(["SWITCHYARD_DATABASE_URL": database.url, "SWITCHYARD_LOG_LEVEL": "info"]) { $1 }
    }

    /// Runs a `switchyard` command to completion and requires success.
    func run(_ arguments: [String]) throws {
        let outcome = try SwitchyardProcess.run(arguments, environment: environment)
        try #require(outcome.status == 0, "switchyard \(arguments.joined(separator: " ")): \(outcome.standardError)")
    }

    /// Starts `switchyard work ARGUMENTS` with its output in a log file.
    @discardableResult
    func startWorker(_ arguments: [String] = ["probe", "dead-letters"], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = SwitchyardProcess.executable
        process.arguments = ["work"] + arguments
        process.currentDirectoryURL = TestEnvironment.repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging(extra) { $1 }
        let log = logDirectory.appending(path: TestEnvironment.uniqueName("worker") + ".log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes.withLock { $0.append(process) }
        return process
    }

    /// The worker processes still running.
    var running: [Process] {
        processes.withLock { $0.filter(\.isRunning) }
    }

    /// Publishes `probe.run` events with the given bodies, with confirms.
    func publishProbes(_ bodies: [String], exchange: String = "sy.events") async throws {
        let connection = try await AMQPConnection.connect(url: vhost.amqpURL)
        let channel = try await connection.openChannel(confirms: true)
        for start in stride(from: 0, to: bodies.count, by: 500) {
            let messages = bodies[start..<min(start + 500, bodies.count)].map {
                OutgoingEvent(type: "probe.run", body: Array($0.utf8)).message(exchange: exchange, appID: "fleet-test")
            }
            let outcomes = await channel.publish(messages)
            for outcome in outcomes { try outcome.get() }
        }
        await connection.close()
    }

    /// A single integer from the fleet's database.
    func count(_ sql: String) async throws -> Int {
        let connection = try await PostgresConnection.connect(url: database.url)
        let value = try await connection.query(sql)[0].decode(Int.self, at: 0)
        await connection.close()
        return value
    }

    /// Messages waiting in each of these queues (exact: a passive declare, not the management
    /// API's sampled statistics).
    func depths(_ queues: [String]) async throws -> [String: Int] {
        let connection = try await AMQPConnection.connect(url: vhost.amqpURL)
        let channel = try await connection.openChannel()
        var depths: [String: Int] = [:]
        for queue in queues {
            depths[queue] = Int(try await channel.declareQueuePassive(queue).messageCount)
        }
        await connection.close()
        return depths
    }

    /// Every worker's log, for failure messages.
    func logs() -> String {
        let files = (try? FileManager.default.contentsOfDirectory(at: logDirectory, includingPropertiesForKeys: nil)) ?? []
        return files.compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n").suffix(4_000).description
    }

    /// Sends SIGTERM to every running worker and waits for each to exit.
    func stopAll() {
        for process in running {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// Creates a fleet (vhost with the topology, migrated database), runs `body`, tears it down.
func withFleet<T>(_ body: (Fleet) async throws -> T) async throws -> T {
    let vhost = try await TestVirtualHost.create()
    do {
        let value = try await withTemporaryDatabase { database in
            let fleet = try Fleet(vhost: vhost, database: database)
            try fleet.run(["migrate"])
            try fleet.run(["topology", "apply"])
            do {
                let value = try await body(fleet)
                fleet.stopAll()
                return value
            } catch {
                Issue.record("worker logs:\n\(fleet.logs())")
                for process in fleet.running { kill(process.processIdentifier, SIGKILL) }
                throw error
            }
        }
        await vhost.delete()
        return value
    } catch {
        await vhost.delete()
        throw error
    }
}

/// Checks `condition` every 50 ms until it holds, failing after `timeout`.
func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        try #require(ContinuousClock.now < deadline, "timed out after \(timeout) waiting for \(what)")
        try await Task.sleep(for: .milliseconds(50))
    }
}
