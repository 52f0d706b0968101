// `SwitchyardBench chaos`: one fault scenario against real workers (and an ingress), the broker
// cluster and Postgres, under a producer publishing with confirms at a fixed rate; then counts
// what landed: published, confirmed, rows, dead letters, lost, duplicated, recovery seconds.

import Foundation
import Glibc
import SwitchyardAMQP
import SwitchyardHTTP
import SwitchyardIngress
import SwitchyardPostgres

struct Chaos: Sendable {
    let options: ChaosOptions
    let environment = ProcessInfo.processInfo.environment

    private func required(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else { throw ChaosError("\(name) is not set") }
        return value
    }

    func run() async throws {
        let databaseURL = try required("SWITCHYARD_DATABASE_URL")
        let amqp = try AMQPConnection.Configuration(url: try required("SWITCHYARD_AMQP_URL"))
        let logs = environment["CHAOS_LOG_DIR"] ?? NSTemporaryDirectory()
        let runID = "\(options.label)-\(options.scenario)-\(Int(Date().timeIntervalSince1970))"

        let workers = ProcessSupervisor(
            arguments: [options.binary, "work", "probe", "dead-letters"], environment: environment,
            logPrefix: "\(logs)/\(options.scenario)-worker")
        try await workers.start(count: options.workers)
        var ingress: ProcessSupervisor?
        var httpClient: HTTPClient?
        let target: ChaosLoad.Target
        if options.scenario == "ingress-kill" {
            let port = environment["CHAOS_INGRESS_PORT"] ?? "18095"
            let key = try createAPIKey(runID)
            var ingressEnvironment = environment
            ingressEnvironment["SWITCHYARD_ALLOW_PROBE_EVENTS"] = "1"
            ingressEnvironment["SWITCHYARD_API_RATE"] = "1000000"
            ingressEnvironment["SWITCHYARD_API_BURST"] = "1000000"
            let supervisor = ProcessSupervisor(
                arguments: [options.binary, "ingress", "--port", port], environment: ingressEnvironment,
                logPrefix: "\(logs)/\(options.scenario)-ingress")
            try await supervisor.start(count: 1)
            ingress = supervisor
            let client = HTTPClient(configuration: .init(maxConcurrentRequests: 64, connectTimeout: .seconds(2), timeout: .seconds(15)))
            httpClient = client
            target = .ingress(url: "http://127.0.0.1:\(port)", apiKey: key, client: client)
        } else {
            target = .broker(BrokerPublisher(configuration: amqp))
        }

        let load = ChaosLoad(runID: runID, rate: options.rate, failShare: options.failShare, target: target)
        let sampler = RowSampler(databaseURL: databaseURL, prefix: runID)
        let samples = Task { await sampler.run() }
        let started = ContinuousClock.now
        let ingressProcess = ingress
        let faults = Task { try await injectFaults(workers: workers, ingress: ingressProcess, loadStart: started) }
        await load.run(for: options.loadDuration, retryUntil: started + options.loadDuration + .seconds(90))
        func tearDown() async {
            samples.cancel()
            await workers.stop()
            await ingressProcess?.stop()
            await httpClient?.shutdown()
            if case .broker(let publisher) = target { await publisher.close() }
        }
        let faultTimes: [ContinuousClock.Instant]
        do {
            faultTimes = try await faults.value
        } catch {
            // A fault that could not be injected ends the scenario; its processes must not outlive it.
            await tearDown()
            throw error
        }
        let loadEnd = ContinuousClock.now

        let confirmed = load.ledger.snapshot.confirmed
        let drained = await waitForLanding(sampler, expected: confirmed.count)
        await tearDown()

        let counts = try await count(databaseURL: databaseURL, runID: runID, confirmed: confirmed, load: load)
        let recovery = await sampler.recoverySeconds(after: faultTimes, rate: options.rate, until: loadEnd)
        let ledger = load.ledger.snapshot
        let restarts = await workers.restarts + (ingress?.restarts ?? 0)
        emit(system: "switchyard", scenario: "chaos-\(options.scenario)", metric: "lost", value: Double(counts.lost),
             unit: "events", run: 1, [
                ("mode", .string(options.short ? "short" : "full")), ("rate", .int(options.rate)),
                ("workers", .int(options.workers)), ("published", .int(ledger.published)),
                ("confirmed", .int(confirmed.count)), ("publish_attempts", .int(ledger.attempts)),
                ("rows", .int(counts.rows)), ("dead_letters", .int(counts.deadLetters)),
                ("duplicated", .int(counts.duplicated)), ("recovery_s", .double(recovery)),
                ("drained", .string(drained ? "yes" : "no")), ("process_restarts", .int(restarts)),
                ("faults", .int(faultTimes.count)), ("stall_recoveries", .int(counts.stallRecoveries)),
                ("publish_failures", .string(ledger.failures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: " "))),
            ])
    }

    // MARK: Faults

    /// Runs the scenario's faults; returns when each happened (for the recovery figure).
    private func injectFaults(
        workers: ProcessSupervisor, ingress: ProcessSupervisor?, loadStart: ContinuousClock.Instant
    ) async throws -> [ContinuousClock.Instant] {
        try await Task.sleep(until: loadStart + options.faultStart, clock: .continuous)
        var times: [ContinuousClock.Instant] = []
        switch options.scenario {
        case "worker-kill", "ingress-kill":
            let victims = options.scenario == "worker-kill" ? workers : ingress!
            let end = ContinuousClock.now + options.faultSpan
            while ContinuousClock.now < end {
                if await victims.signalRandom([SIGKILL]) > 0 { times.append(.now) }
                try await Task.sleep(for: options.killInterval)
            }
        case "node-kill":
            let leader = try await tool("cluster", "leader", "sy.work.probe").trimmingCharacters(in: .whitespacesAndNewlines)
            times.append(.now)
            _ = try await tool("cluster", "kill", leader)
            try await Task.sleep(for: options.nodeDowntime)
            _ = try await tool("cluster", "start", leader)
        case "broker-restart":
            times.append(.now)
            for node in ["3", "2", "1"] { _ = try await tool("cluster", "stop", node) }
            for node in ["1", "2", "3"] { _ = try await tool("cluster", "start", node) }
        case "pg-restart":
            times.append(.now)
            _ = try await tool("services", "postgres-restart", "0", "--immediate")
        case "pg-failover":
            times.append(.now)
            _ = try await tool("cluster", "promote")
        case "dlx-stall":
            // What RabbitMQ 3.10.8 can leave after a leader change: the retry tier's dead-letter
            // worker gone for good, its expired messages waiting until the watch recovers it.
            let tier = "sy.retry.1s"
            let leader = try await tool("cluster", "leader", tier).trimmingCharacters(in: .whitespacesAndNewlines)
            times.append(.now)
            let stopped = try await tool("cluster", "rabbitmqctl", leader, "eval", """
                [supervisor:terminate_child(rabbit_fifo_dlx_sup, P) || {_, P, _, _} <- supervisor:which_children(rabbit_fifo_dlx_sup), \
                element(2, sys:get_state(P)) =:= {resource, <<"/">>, queue, <<"\(tier)">>}].
                """)
            guard stopped.contains("[ok]") else { throw ChaosError("the dead-letter worker of \(tier) was not found: \(stopped)") }
        case "pg-hang", "queue-stall":
            // pg-hang: the database server is up but answers nothing, as when its disk hangs.
            // queue-stall: the work queue's leader takes commands and answers none (its Raft
            // server suspended): no delivery, no confirm, no consume-ok. In both a worker is
            // stopped (SIGTERM) and another killed meanwhile, so a stop and a replacement's
            // start wait on what answers nothing.
            let fault = options.scenario == "pg-hang" ? Fault.databaseHang : Fault.queueStall("sy.work.probe")
            times.append(.now)
            try await during(fault, for: .seconds(options.stallSeconds)) {
                try await Task.sleep(for: .seconds(1))
                await workers.signalRandom([SIGTERM, SIGKILL])
            }
        default:
            throw ChaosError("unknown scenario \(options.scenario)")
        }
        return times
    }

    /// A fault that lasts until it is ended.
    private enum Fault {
        /// `scripts/services postgres-pause`, ended by `postgres-resume`.
        case databaseHang
        /// The Raft server leading the queue suspended (`amqqueue:get_pid` names it on whichever
        /// node), ended by a resume of the queue's server on every node, in case the leadership
        /// moved.
        case queueStall(String)
    }

    /// Starts `fault`, runs `body`, and ends the fault `duration` after it began, also when
    /// `body` throws.
    private func during(_ fault: Fault, for duration: Duration, _ body: () async throws -> Void) async throws {
        let begin, end: () async throws -> Void
        switch fault {
        case .databaseHang:
            begin = { _ = try await tool("services", "postgres-pause") }
            end = { _ = try await tool("services", "postgres-resume") }
        case .queueStall(let queue):
            let match = #"Q <- rabbit_amqqueue:list(<<"/">>), amqqueue:get_name(Q) =:= rabbit_misc:r(<<"/">>, queue, <<"\#(queue)">>)"#
            begin = {
                let suspended = try await tool("cluster", "rabbitmqctl", "1", "eval", "[sys:suspend(amqqueue:get_pid(Q)) || \(match)].")
                guard suspended.contains("[ok]") else { throw ChaosError("the leader of \(queue) was not suspended: \(suspended)") }
            }
            end = {
                _ = try await tool("cluster", "rabbitmqctl", "1", "eval", """
                    [catch sys:resume({element(1, amqqueue:get_pid(Q)), N}, 5000) || \(match), N <- [node() | nodes()]].
                    """)
            }
        }
        try await begin()
        let over = ContinuousClock.now + duration
        do {
            try await body()
            try await Task.sleep(until: over, clock: .continuous)
        } catch {
            try? await end()
            throw error
        }
        try await end()
    }

    /// Runs `scripts/NAME ARGS...` on a thread of its own (the load and the sampler keep
    /// running); its standard output, or a ``ChaosError`` on failure.
    private func tool(_ name: String, _ arguments: String...) async throws -> String {
        let command = ["\(options.scripts)/\(name)"] + arguments
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try runProcess(command) }) }
        }
    }

    private func runProcess(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ChaosError("\(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A tenant and an API key for the ingress scenario.
    private func createAPIKey(_ runID: String) throws -> String {
        let tenant = try runProcess([options.binary, "tenants", "create", runID]).trimmingCharacters(in: .whitespacesAndNewlines)
        return try runProcess([options.binary, "keys", "create", "--tenant", tenant])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Counting

    /// Waits until as many probes landed (rows or dead letters) as were confirmed.
    private func waitForLanding(_ sampler: RowSampler, expected: Int) async -> Bool {
        let deadline = ContinuousClock.now + options.drainTimeout
        while ContinuousClock.now < deadline {
            if let landed = await sampler.landed(), landed >= expected { return true }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    private struct Counts {
        var rows = 0
        var deadLetters = 0
        var lost = 0
        var duplicated = 0
        var stallRecoveries = 0
    }

    private func count(databaseURL: String, runID: String, confirmed: Set<Int>, load: ChaosLoad) async throws -> Counts {
        let connection = try await PostgresConnection.connect(url: databaseURL)
        do {
            let counts = try await count(on: connection, runID: runID, confirmed: confirmed, load: load)
            await connection.close()
            return counts
        } catch {
            await connection.close()
            throw error
        }
    }

    private func count(on connection: PostgresConnection, runID: String, confirmed: Set<Int>, load: ChaosLoad) async throws -> Counts {
        var effects: [String: Int] = [:]
        for row in try await connection.query(
            "SELECT id, effects FROM probe_results WHERE starts_with(id, $1)", [runID + "-"]) {
            effects[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
        }
        var deadLettered: [String: Int] = [:]
        for row in try await connection.query(
            """
            SELECT convert_from(body, 'UTF8')::jsonb ->> 'id' FROM dead_letters
            WHERE starts_with(convert_from(body, 'UTF8')::jsonb ->> 'id', $1)
            """, [runID + "-"]) {
            deadLettered[try row.decode(String.self, at: 0), default: 0] += 1
        }
        var counts = Counts(rows: effects.count, deadLetters: deadLettered.values.reduce(0, +))
        counts.stallRecoveries = try await connection.query(
            "SELECT coalesce(sum(recoveries), 0)::int8 FROM dead_letter_stalls").first?.decode(Int.self, at: 0) ?? 0
        counts.lost = confirmed.filter { effects[load.id($0)] == nil && deadLettered[load.id($0)] == nil }.count
        counts.duplicated = effects.values.filter { $0 > 1 }.count + deadLettered.values.filter { $0 > 1 }.count
            + deadLettered.keys.filter { effects[$0] != nil }.count
        return counts
    }
}

/// Samples how many of the run's probes have landed, for the drain and the recovery figure.
actor RowSampler {
    private let databaseURL: String
    private let prefix: String
    private var connection: PostgresConnection?
    private var samples: [(at: ContinuousClock.Instant, rows: Int)] = []

    init(databaseURL: String, prefix: String) {
        self.databaseURL = databaseURL
        self.prefix = prefix + "-"
    }

    /// Samples every 250 ms until cancelled. While the database can't be reached, nothing is
    /// known to land: the last count is repeated.
    func run() async {
        while !Task.isCancelled {
            if let rows = await rowCount() ?? samples.last?.rows { samples.append((.now, rows)) }
            try? await Task.sleep(for: .milliseconds(250))
        }
        await connection?.close()
    }

    /// Rows plus dead letters of the run, or nil while the database can't be reached.
    func landed() async -> Int? {
        guard let rows = await rowCount() else { return nil }
        guard let connection,
              let dead = try? await connection.query(
                "SELECT count(*) FROM dead_letters WHERE starts_with(convert_from(body, 'UTF8')::jsonb ->> 'id', $1)",
                [prefix]).first?.decode(Int.self, at: 0)
        else { return nil }
        return rows + dead
    }

    private func rowCount() async -> Int? {
        do {
            if connection == nil { connection = try await PostgresConnection.connect(url: databaseURL) }
            return try await connection!.query("SELECT count(*) FROM probe_results WHERE starts_with(id, $1)", [prefix])
                .first?.decode(Int.self, at: 0)
        } catch {
            await connection?.close()
            connection = nil
            return nil
        }
    }

    /// The longest time, from the first fault on, that rows landed at under 80 % of `rate` over
    /// a trailing second: how long the throughput took to come back. Once the load has ended only
    /// a dip still open counts (it closes when the backlog drains fast enough).
    func recoverySeconds(
        after faults: [ContinuousClock.Instant], rate: Int, until loadEnd: ContinuousClock.Instant
    ) -> Double {
        guard let first = faults.first else { return 0 }
        var worst = Duration.zero
        var dipStart: ContinuousClock.Instant?
        var window = samples.startIndex
        for (index, sample) in samples.enumerated() where sample.at >= first {
            while window < index, sample.at - samples[window + 1].at >= .seconds(1) { window += 1 }
            let earlier = samples[window]
            guard sample.at - earlier.at >= .seconds(1) else { continue }
            let perSecond = Double(sample.rows - earlier.rows) / (sample.at - earlier.at).seconds
            if perSecond < 0.8 * Double(rate) {
                if dipStart == nil {
                    guard sample.at <= loadEnd else { break }
                    dipStart = max(first, earlier.at)
                }
            } else if let start = dipStart {
                worst = max(worst, sample.at - start)
                dipStart = nil
            }
        }
        if let start = dipStart, let last = samples.last { worst = max(worst, last.at - start) }
        return rounded(worst.seconds, 1)
    }
}
