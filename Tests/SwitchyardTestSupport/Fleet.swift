// A private fleet per test: its own vhost with the topology applied, its own migrated
// database, worker processes started (and killed) like containers, and probe publishing.

public import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardPostgres
import Synchronization
import Testing

/// Worker processes, a vhost and a database that belong to one test.
public final class Fleet: Sendable {
    public let vhost: TestVirtualHost
    public let database: TemporaryDatabase
    public let logDirectory: URL
    private let processes = Mutex<[Process]>([])

    init(vhost: TestVirtualHost, database: TemporaryDatabase) throws {
        self.vhost = vhost
        self.database = database
        logDirectory = FileManager.default.temporaryDirectory.appending(path: TestEnvironment.uniqueName("fleet-logs"))
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
    }

    /// The environment that points `switchyard` at this fleet's broker vhost and database.
    public var environment: [String: String] {
        vhost.environment.merging(["SWITCHYARD_DATABASE_URL": database.url, "SWITCHYARD_LOG_LEVEL": "info"]) { $1 }
    }

    /// Runs a `switchyard` command to completion and requires success.
    public func run(_ arguments: [String]) throws {
        let outcome = try SwitchyardProcess.run(arguments, environment: environment)
        try #require(outcome.status == 0, "switchyard \(arguments.joined(separator: " ")): \(outcome.standardError)")
    }

    /// Starts `switchyard work ARGUMENTS` with its output in a log file.
    @discardableResult
    public func startWorker(_ arguments: [String] = ["probe", "dead-letters"], environment extra: [String: String] = [:]) throws -> Process {
        try start(["work"] + arguments, environment: extra)
    }

    /// Starts `switchyard ARGUMENTS` (any long-running subcommand) with its output in a log file.
    @discardableResult
    public func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = SwitchyardProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = TestEnvironment.repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging(extra) { $1 }
        let log = logDirectory.appending(path: TestEnvironment.uniqueName(arguments.first ?? "switchyard") + ".log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes.withLock { $0.append(process) }
        return process
    }

    /// The worker processes still running.
    public var running: [Process] {
        processes.withLock { $0.filter(\.isRunning) }
    }

    /// Publishes `probe.run` events with the given bodies, with confirms.
    /// - Parameter messageIDs: The message id of each body (default: a fresh one each).
    public func publishProbes(_ bodies: [String], messageIDs: [String]? = nil, exchange: String = "sy.events") async throws {
        let connection = try await AMQPConnection.connect(url: vhost.amqpURL)
        let channel = try await connection.openChannel(confirms: true)
        for start in stride(from: 0, to: bodies.count, by: 500) {
            let messages = (start..<min(start + 500, bodies.count)).map { index in
                let body = Array(bodies[index].utf8)
                let event = messageIDs.map { OutgoingEvent(type: "probe.run", body: body, messageID: $0[index]) }
                    ?? OutgoingEvent(type: "probe.run", body: body)
                return event.message(exchange: exchange, appID: "fleet-test")
            }
            let outcomes = await channel.publish(messages)
            for outcome in outcomes { try outcome.get() }
        }
        await connection.close()
    }

    /// Runs one SQL statement in the fleet's database.
    public func execute(_ sql: String) async throws {
        let connection = try await PostgresConnection.connect(url: database.url)
        do {
            try await connection.execute(sql)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// A single text value from the fleet's database.
    public func text(_ sql: String) async throws -> String {
        let connection = try await PostgresConnection.connect(url: database.url)
        let value = try await connection.query(sql)[0].decode(String.self, at: 0)
        await connection.close()
        return value
    }

    /// A single integer from the fleet's database.
    public func count(_ sql: String) async throws -> Int {
        let connection = try await PostgresConnection.connect(url: database.url)
        let value = try await connection.query(sql)[0].decode(Int.self, at: 0)
        await connection.close()
        return value
    }

    /// ``count(_:)`` once it reads `expected`, or its last reading when `timeout` passes
    /// first: for rows a worker writes after the work they describe (`api_usage` rows go to
    /// the pool's deferred writes, which the handler doesn't wait for).
    public func count(_ sql: String, settlingAt expected: Int, timeout: Duration = .seconds(10)) async throws -> Int {
        try await settled(at: expected, timeout: timeout) { try await count(sql) }
    }

    /// ``text(_:)`` once it reads `expected`, or its last reading when `timeout` passes first;
    /// see ``count(_:settlingAt:timeout:)``.
    public func text(_ sql: String, settlingAt expected: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await settled(at: expected, timeout: timeout) { try await text(sql) }
    }

    private func settled<T: Equatable>(at expected: T, timeout: Duration, _ read: () async throws -> T) async throws -> T {
        var value = try await read()
        _ = try await pollUntil(timeout: timeout) {
            value = try await read()
            return value == expected
        }
        return value
    }

    /// Messages waiting in each of these queues (exact: a passive declare, not the management
    /// API's sampled statistics).
    public func depths(_ queues: [String]) async throws -> [String: Int] {
        let connection = try await AMQPConnection.connect(url: vhost.amqpURL)
        let channel = try await connection.openChannel()
        var depths: [String: Int] = [:]
        for queue in queues {
            depths[queue] = Int(try await channel.declareQueuePassive(queue).messageCount)
        }
        await connection.close()
        return depths
    }

    /// The end of every worker's log, for failure messages.
    public func logs() -> String {
        logTexts().joined(separator: "\n").suffix(4_000).description
    }

    /// The lines of every worker's whole log that contain `text`.
    public func logLines(containing text: String) -> [Substring] {
        logTexts().flatMap { $0.split(separator: "\n").filter { $0.contains(text) } }
    }

    /// Each worker's whole log.
    private func logTexts() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(at: logDirectory, includingPropertiesForKeys: nil)) ?? []
        return files.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    /// Sends SIGTERM to every running worker and waits for each to exit.
    public func stopAll() {
        for process in running {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// Creates a fleet (vhost with the topology, migrated database), runs `body`, tears it down.
public func withFleet<T>(on cluster: TestCluster? = nil, _ body: (Fleet) async throws -> T) async throws -> T {
    let vhost = try await TestVirtualHost.create(on: cluster)
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
public func eventually(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
    try #require(try await pollUntil(timeout: timeout, condition), "timed out after \(timeout) waiting for \(what)")
}

/// Checks `condition` every 50 ms until it holds or `timeout` passes.
/// - Returns: Whether it held.
public func pollUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(50))
    }
    return true
}
