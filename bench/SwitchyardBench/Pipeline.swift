// `SwitchyardBench pipeline`: the anchors' drain and latency scenarios
// (shared/bench/anchors/bench_driver.py) for `switchyard work probe`, step for step.
//
//   drain    TRUNCATE probe_results + inbox, purge the probe queues, wait for a quiet machine,
//            publish N probe.run events with no worker running (enqueue_rate, informational),
//            start `switchyard work probe` (--workers N: N processes), wait until all N rows
//            exist, stop the workers.
//            drain_rate = N / (max(completed_at) - first consume), first consume = the `ts` of
//            the worker's "consuming" log line (see bench/README.md for why).
//   latency  TRUNCATE + purge, a fresh worker, WARMUP jobs (waited for), a quiet machine, then
//            an open-loop sender offers RATE jobs/s for DURATION s on an absolute schedule; the
//            wall-clock time just before each publish is kept per id; latency = completed_at -
//            that time; p50 / p99 (linear interpolation, bench_common.percentile) / max.
// Every event is an `OutgoingEvent` (the contract `switchyard publish` uses: persistent JSON,
// message id, type, mandatory) published to the events exchange with publisher confirms.

import Foundation
import Glibc
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardPostgres

/// Id ranges of bench_driver.py: scenarios never see each other's rows.
enum IdBase {
    static let drain = 0
    static let warmup = 1_000_000
    static let latency = 2_000_000
}

struct Pipeline: Sendable {
    let options: PipelineOptions
    let topology: Topology
    let role: Topology.Role

    init(options: PipelineOptions) throws {
        self.options = options
        let virtualHost = try AMQPConnection.Configuration(url: options.amqpURL).virtualHost
        do {
            topology = try Topology.load(path: options.topologyFile, virtualHost: virtualHost)
            role = try topology.role("probe")
        } catch {
            throw BenchFailure(description: "topology \(options.topologyFile): \(error)")
        }
    }

    /// The queues purged before each scenario: the probe role's work queues (every lane) and its
    /// dead-letter queue.
    var queues: [String] { role.workQueues + [role.deadLetterQueue] }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: options.logdir, withIntermediateDirectories: true)
        let database = try await PostgresConnection.connect(url: options.databaseURL)
        let amqp: AMQPConnection
        do {
            amqp = try await AMQPConnection.connect(url: options.amqpURL, connectionName: "switchyard-bench pipeline")
        } catch {
            await database.close()
            throw error
        }
        do {
            let session = Session(
                pipeline: self, database: database, admin: try await amqp.openChannel(),
                publisher: try await amqp.openChannel(confirms: true))
            for run in options.firstRun..<(options.firstRun + options.runs) {
                if options.scenarios.contains("drain") {
                    try await session.drain(run: run)
                }
                if options.scenarios.contains("latency") {
                    try await session.latency(run: run)
                }
            }
            try await session.reset()
        } catch {
            await amqp.close()
            await database.close()
            throw error
        }
        await amqp.close()
        await database.close()
    }
}

/// The driver's connections for one invocation.
struct Session: Sendable {
    let pipeline: Pipeline
    let database: PostgresConnection
    let admin: AMQPChannel
    let publisher: AMQPChannel

    var options: PipelineOptions { pipeline.options }

    // MARK: Scenarios

    func drain(run: Int) async throws {
        let n = options.n
        let ids = IdBase.drain..<(IdBase.drain + n)
        let scenario = "drain-\(n)"
        try await reset()
        await waitForQuiet(maxWait: options.quietWait)
        let enqueueRate = try await enqueue(ids)
        emit(system: options.system, scenario: scenario, metric: "enqueue_rate", value: enqueueRate, unit: "msg/s", run: run, [
            ("note", .string("driver, OutgoingEvent via SwitchyardAMQP publish(_:) with publisher confirms, <= \(options.window) in flight, one connection")),
        ])

        let meter = CpuMeter.start()
        let tag = options.workers == 1 ? "drain-run\(run)" : "drain-run\(run)-w\(options.workers)"
        let workers = try await startWorkers(options.workers, tag: tag)
        let got: Int
        let complete: Bool
        let usage: [(String, Field)]
        let workerFields: [(String, Field)]
        do {
            (got, complete) = try await waitRows(ids, timeout: options.drainTimeout, worker: workers)
            usage = meter?.stop() ?? []
            let elapsed = (clock.now - workers.startedInstant).seconds
            workerFields = workerUsage(workers, cpuSeconds: workers.cpuSeconds(), over: elapsed)
            if let exited = workers.exited() {
                throw BenchFailure(description: "worker exited early (\(exited))")
            }
        } catch {
            await workers.stop()
            throw error
        }
        await workers.stop()
        let stats = try await drainStats(ids)
        guard complete, let firstCommit = stats.firstCommit, let lastCommit = stats.lastCommit else {
            throw BenchFailure(description: "drain incomplete: \(got)/\(n) rows after \(options.drainTimeout) s")
        }
        // The anchors' first consume is min(started) of the rows; probe_results has no start
        // column, so the nearest instant we can observe is the worker's "consuming" log line:
        // written after basic.consume-ok on every work queue, before any handler can start (of
        // several workers, the earliest).
        let consuming = workers.logTimestamp(of: "consuming")
        let firstConsume = consuming ?? workers.startedAt
        let rate = Double(n) / (lastCommit - firstConsume)
        emit(system: options.system, scenario: scenario, metric: "drain_rate", value: rate, unit: "msg/s", run: run, [
            ("first_consume_after_start_s", .double(rounded(firstConsume - workers.startedAt, 3))),
            ("start_to_last_commit_s", .double(rounded(lastCommit - workers.startedAt, 3))),
            ("first_commit_after_first_consume_s", .double(rounded(firstCommit - firstConsume, 3))),
            ("first_consume_source", .string(consuming == nil ? "worker process start (no 'consuming' log line)" : "worker log 'consuming'")),
            ("drain_rate_from_worker_start", .double(rounded(Double(n) / (lastCommit - workers.startedAt), 1))),
            ("rows", .int(stats.count)), ("attempts_max", .int(stats.maxAttempts ?? 0)),
            ("workers", .int(options.workers)), ("worker_log_problems", .int(workers.logProblems())),
        ] + settings(of: workers) + [
        ] + workerFields + usage)
        note("run \(run) \(scenario), \(options.workers) worker(s): \(Int(rate.rounded())) msg/s (first consume -> last commit \(format(lastCommit - firstConsume)) s, worker start -> first consume \(format(firstConsume - workers.startedAt)) s), enqueue \(Int(enqueueRate.rounded())) msg/s, \(fieldsText(workerFields))")
    }

    func latency(run: Int) async throws {
        try await reset()
        let worker = try await startWorkers(1, tag: "latency-run\(run)")
        do {
            try await latencyPhase(run: run, worker: worker)
        } catch {
            await worker.stop()
            throw error
        }
        await worker.stop()
    }

    private func latencyPhase(run: Int, worker: WorkerGroup) async throws {
        // Warm-up: the worker is connected and has run jobs.
        let warmup = IdBase.warmup..<(IdBase.warmup + options.warmup)
        _ = try await enqueue(warmup)
        let (_, warmedUp) = try await waitRows(warmup, timeout: 60, worker: worker)
        if let exited = worker.exited() {
            throw BenchFailure(description: "worker exited early (\(exited))")
        }
        guard warmedUp else { throw BenchFailure(description: "warm-up jobs did not complete") }
        await waitForQuiet(maxWait: options.quietWait)

        let total = Int(options.rate * options.duration)
        let ids = IdBase.latency..<(IdBase.latency + total)
        let meter = CpuMeter.start()
        let cpu0 = worker.cpuSeconds()
        let t0 = clock.now
        var sent = [Double](repeating: 0, count: total)
        let publisher = publisher
        let (sendSeconds, failures) = await withTaskGroup(of: String?.self) { group -> (Double, [String]) in
            for k in 0..<total {  // open-loop pacing on an absolute schedule
                let deadline = t0 + .seconds(Double(k) / options.rate)
                if deadline > clock.now {
                    try? await Task.sleep(until: deadline, tolerance: .zero, clock: clock)
                }
                let message = probeMessage(IdBase.latency + k)
                sent[k] = Date().timeIntervalSince1970
                group.addTask {
                    do {
                        try await publisher.publish(message)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            let sendSeconds = (clock.now - t0).seconds
            var failures: [String] = []
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return (sendSeconds, failures)
        }
        guard failures.isEmpty else {
            throw BenchFailure(description: "\(failures.count) publishes failed; first: \(failures[0])")
        }
        let (got, complete) = try await waitRows(ids, timeout: 60, worker: worker)
        let usage = meter?.stop() ?? []
        let elapsed = (clock.now - t0).seconds
        let cpu1 = worker.cpuSeconds()
        let workerFields = workerUsage(worker, cpuSeconds: cpu0.flatMap { c0 in cpu1.map { $0 - c0 } }, over: elapsed)
        guard complete else { throw BenchFailure(description: "latency run incomplete: \(got)/\(total)") }

        var latencies: [Double] = []
        latencies.reserveCapacity(total)
        var dump = "id\tpublish_ts\tcompleted_ts\tlatency_ms\n"
        for row in try await database.query(
            """
            SELECT id::bigint, extract(epoch FROM completed_at)::float8 FROM probe_results
             WHERE id::bigint BETWEEN $1 AND $2 ORDER BY id::bigint
            """, [ids.lowerBound, ids.upperBound - 1])
        {
            let id = try row.decode(Int.self, at: 0)
            let completed = try row.decode(Double.self, at: 1)
            let published = sent[id - ids.lowerBound]
            latencies.append(completed - published)
            if !options.latencyDump.isEmpty {
                dump += "\(id)\t\(String(format: "%.6f", published))\t\(String(format: "%.6f", completed))\t\(String(format: "%.3f", (completed - published) * 1000))\n"
            }
        }
        latencies.sort()
        if !options.latencyDump.isEmpty {
            let path = options.latencyDump.replacingOccurrences(of: "{run}", with: String(run))
            do {
                try dump.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                warn("cannot write the latency dump \(path): \(error)")
            }
        }
        let extra: [(String, Field)] = [
            ("offered_rate", .double(options.rate)), ("achieved_send_rate", .double(rounded(Double(total) / sendSeconds, 1))),
            ("jobs", .int(total)),
            ("workers", .int(1)), ("worker_log_problems", .int(worker.logProblems())),
        ] + settings(of: worker) + [
        ] + workerFields + usage
        let scenario = options.latencyScenario
        let p50 = percentile(latencies, 50) * 1000
        let p99 = percentile(latencies, 99) * 1000
        let maxLatency = (latencies.last ?? .nan) * 1000
        emit(system: options.system, scenario: scenario, metric: "latency_p50", value: p50, unit: "ms", run: run, extra)
        emit(system: options.system, scenario: scenario, metric: "latency_p99", value: p99, unit: "ms", run: run, extra)
        emit(system: options.system, scenario: scenario, metric: "latency_max", value: maxLatency, unit: "ms", run: run, extra)
        note("run \(run) \(scenario): p50 \(format(p50)) ms, p99 \(format(p99)) ms, max \(format(maxLatency)) ms (\(total) jobs, sent at \(format(Double(total) / sendSeconds)) /s), \(fieldsText(workerFields))")
    }

    // MARK: Steps

    /// TRUNCATE the results and the inbox, purge the probe queues.
    func reset() async throws {
        try await database.execute("TRUNCATE probe_results, inbox")
        for queue in pipeline.queues {
            do {
                _ = try await admin.purgeQueue(queue)
            } catch {
                throw BenchFailure(description: "purging \(queue) failed (is the topology applied?): \(error)")
            }
        }
    }

    /// One `probe.run` event, as producers publish it.
    func probeMessage(_ id: Int) -> AMQPOutgoingMessage {
        let body = Array(#"{"v":1,"id":"\#(id)","sleep_ms":0}"#.utf8)
        return OutgoingEvent(type: "probe.run", body: body)
            .message(exchange: pipeline.topology.eventsExchange, appID: "switchyard-bench")
    }

    /// Publishes one event per id, at most `window` unconfirmed; returns ids / (first publish ->
    /// last confirm).
    func enqueue(_ ids: Range<Int>) async throws -> Double {
        let window = options.window
        let publisher = publisher
        let t0 = clock.now
        let failures = await withTaskGroup(of: String?.self) { group -> [String] in
            var failures: [String] = []
            var inFlight = 0
            for id in ids {
                if inFlight >= window, let done = await group.next() {
                    if let failure = done { failures.append(failure) }
                    inFlight -= 1
                }
                let message = probeMessage(id)
                group.addTask {
                    do {
                        try await publisher.publish(message)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
                inFlight += 1
            }
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return failures
        }
        let seconds = (clock.now - t0).seconds
        guard failures.isEmpty else {
            throw BenchFailure(description: "\(failures.count) of \(ids.count) publishes failed; first: \(failures[0])")
        }
        return Double(ids.count) / seconds
    }

    /// The handler slots and prefetch the worker used, from its "consuming" log line (`slots`
    /// `probe=64`, `prefetch` `probe=256`), so that a run at the CLI defaults records them too;
    /// and the type of the probe's work queues in the topology (`quorum` unless a benchmark
    /// gave another topology).
    func settings(of workers: WorkerGroup) -> [(String, Field)] {
        func value(_ key: String) -> Int? {
            workers.logField(key, of: "consuming").flatMap { Int($0.split(separator: "=").last ?? "") }
        }
        return [
            ("concurrency", value("slots").map(Field.int) ?? .string("unknown")),
            ("prefetch", value("prefetch").map(Field.int) ?? .string("unknown")),
            ("cli_defaults", .string(options.concurrency == nil && options.prefetch == nil ? "yes" : "no")),
            ("queue_type", .string(pipeline.role.arguments["x-queue-type"]?.string ?? "classic")),
        ]
    }

    /// Starts `count` `switchyard work probe` processes (logs `<logdir>/<system>-<tag>[-k].log`).
    func startWorkers(_ count: Int, tag: String) async throws -> WorkerGroup {
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHYARD_AMQP_URL"] = options.amqpURL
        environment["SWITCHYARD_DATABASE_URL"] = options.databaseURL
        environment["SWITCHYARD_TOPOLOGY_FILE"] = options.topologyFile
        var arguments = [options.switchyard, "work", "probe"]
        if let concurrency = options.concurrency { arguments += ["--concurrency", String(concurrency)] }
        if let prefetch = options.prefetch { arguments += ["--prefetch", String(prefetch)] }
        arguments += options.workerArguments
        return try await WorkerGroup(
            count: count, arguments: arguments, environment: environment,
            logPrefix: "\(options.logdir)/\(options.system)-\(tag)", pidfile: options.pidfile)
    }

    /// Polls every 0.25 s until all ids have a row or `timeout` s pass (bench_common.wait_rows);
    /// stops early when a worker has exited.
    func waitRows(_ ids: Range<Int>, timeout: Double, worker: WorkerGroup) async throws -> (Int, Bool) {
        let deadline = clock.now + .seconds(timeout)
        while true {
            let count = try await countRows(ids)
            if count >= ids.count || clock.now > deadline { return (count, count >= ids.count) }
            if let exited = worker.exited() {
                throw BenchFailure(description: "worker exited early (\(exited)) with \(count)/\(ids.count) rows")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    func countRows(_ ids: Range<Int>) async throws -> Int {
        let rows = try await database.query(
            "SELECT count(*) FROM probe_results WHERE id::bigint BETWEEN $1 AND $2", [ids.lowerBound, ids.upperBound - 1])
        return try rows[0].decode(Int.self, at: 0)
    }

    struct DrainStats {
        var count: Int
        var firstCommit: Double?
        var lastCommit: Double?
        var maxAttempts: Int?
    }

    func drainStats(_ ids: Range<Int>) async throws -> DrainStats {
        let rows = try await database.query(
            """
            SELECT count(*), extract(epoch FROM min(completed_at))::float8, extract(epoch FROM max(completed_at))::float8,
                   max(attempts)
              FROM probe_results WHERE id::bigint BETWEEN $1 AND $2
            """, [ids.lowerBound, ids.upperBound - 1])
        let row = rows[0]
        return DrainStats(
            count: try row.decode(Int.self, at: 0), firstCommit: try row.decode(Double?.self, at: 1),
            lastCommit: try row.decode(Double?.self, at: 2), maxAttempts: try row.decode(Int?.self, at: 3))
    }

    /// `worker_rss_peak_mib` (VmHWM: the process's peak since it started; of several workers, the
    /// largest), `worker_cpu_cores` and `worker_cpu_s` (user + system CPU over the phase, summed
    /// over the workers).
    func workerUsage(_ worker: WorkerGroup, cpuSeconds: Double?, over seconds: Double) -> [(String, Field)] {
        var fields: [(String, Field)] = []
        if let kib = worker.peakRSSKiB() { fields.append(("worker_rss_peak_mib", .double(rounded(Double(kib) / 1024, 1)))) }
        if let cpuSeconds, seconds > 0 {
            fields.append(("worker_cpu_cores", .double(rounded(cpuSeconds / seconds, 2))))
            fields.append(("worker_cpu_s", .double(rounded(cpuSeconds, 3))))
        }
        return fields
    }
}

/// Linear-interpolated percentile (q in 0...100) of an ascending array (bench_common.percentile).
func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let k = Double(sorted.count - 1) * q / 100
    let f = Int(k)
    let c = min(f + 1, sorted.count - 1)
    return sorted[f] + (sorted[c] - sorted[f]) * (k - Double(f))
}

/// A progress line on stderr.
func note(_ text: String) {
    FileHandle.standardError.write(Data("[switchyard-bench] \(text)\n".utf8))
}

private func format(_ value: Double) -> String {
    String(format: value >= 100 ? "%.0f" : "%.2f", value)
}

private func fieldsText(_ fields: [(String, Field)]) -> String {
    fields.map { "\($0.0) \($0.1.json)" }.joined(separator: ", ")
}
