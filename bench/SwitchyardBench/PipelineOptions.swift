// Options of `SwitchyardBench pipeline`: parsed by hand, like Options.swift.

import Foundation
import SwitchyardAMQP

struct PipelineOptions: Sendable {
    var amqpURL = ProcessInfo.processInfo.environment["SWITCHYARD_AMQP_URL"] ?? ""
    var databaseURL = ProcessInfo.processInfo.environment["SWITCHYARD_DATABASE_URL"] ?? ""
    /// The `switchyard` executable that runs the worker (release build).
    var switchyard = ""
    var topologyFile = ProcessInfo.processInfo.environment["SWITCHYARD_TOPOLOGY_FILE"] ?? "topology/switchyard.yaml"
    /// `switchyard work probe --concurrency`; nil: not passed (the CLI's default).
    var concurrency: Int?
    /// `switchyard work probe --prefetch`; nil: not passed (the CLI's default).
    var prefetch: Int?
    /// Further arguments for `switchyard work probe`.
    var workerArguments: [String] = []
    /// `switchyard work probe` processes in the drain scenario (the latency scenario runs one).
    var workers = 1
    var n = 20_000
    var rate = 300.0
    var duration = 20.0
    var warmup = 200
    var scenarios = ["drain", "latency"]
    var runs = 1
    var firstRun = 1
    var logdir = ProcessInfo.processInfo.environment["BENCH_LOGDIR"] ?? "/tmp/bench-out/logs"
    var drainTimeout = 240.0
    var quietWait = 20.0
    /// Publishes in flight at once while enqueueing the drain backlog and the warm-up jobs.
    var window = 1000
    /// Where the worker's pid is written while it runs (so that a caller can stop a worker
    /// this process left behind); empty: nowhere.
    var pidfile = ""
    /// Where the latency scenario writes one line per job (`id publish_ts completed_ts
    /// latency_ms`, tab-separated; `{run}` is replaced by the run index); empty: nowhere.
    var latencyDump = ""
    var system = "switchyard"

    static let usage = """
        usage: SwitchyardBench pipeline --switchyard PATH [--amqp-url amqp://...] [--database-url postgresql://...]
                 [--topology FILE] [--concurrency N] [--prefetch N] [--worker-arg ARG]... [--workers 1]
                 [--n 20000] [--rate 300] [--duration 20] [--warmup 200] [--scenarios drain,latency]
                 [--runs 1] [--first-run 1] [--logdir DIR] [--drain-timeout 240] [--quiet-wait 20]
                 [--window 1000] [--pidfile FILE] [--latency-dump FILE] [--system switchyard]
          The anchors' drain and latency scenarios (shared/bench/anchors/bench_driver.py) for
          `switchyard work probe`: see bench/README.md, "Pipeline".
          --switchyard    the switchyard executable (release build) the worker runs
          --amqp-url      broker (default $SWITCHYARD_AMQP_URL; the worker gets the same); loopback only
          --database-url  database (default $SWITCHYARD_DATABASE_URL; migrated); loopback only
          --worker-arg    one more argument for `switchyard work probe` (repeatable)
          --workers       worker processes in the drain, N > 1: drain only (each with the same
                          arguments; logs <system>-drain-run<k>-w<N>-<i>.log, pid files FILE.<i>)
          --quiet-wait    max seconds to wait for an idle machine before each measured phase (0: don't)
          --latency-dump  write every latency job (id, publish and completed time, latency) to FILE
                          ({run} is replaced by the run index)
        Records: one JSON line per figure on stdout, also appended to $BENCH_JSONL when set.
        CPU: broker pid from $BENCH_RMQ_PIDFILE (a cluster: its nodes' pid files, separated by ':'),
             Postgres pid from $BENCH_PG_PIDFILE.
        """

    static func parse(_ arguments: [String]) throws -> PipelineOptions {
        var options = PipelineOptions()
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "-h" || flag == "--help" {
                print(usage)
                exit(0)
            }
            guard let value = rest.popFirst() else { throw Options.Invalid(description: "\(flag) needs a value") }
            func int(min: Int = 1) throws -> Int {
                guard let v = Int(value), v >= min else {
                    throw Options.Invalid(description: "\(flag): want an integer >= \(min), got '\(value)'")
                }
                return v
            }
            func seconds(positive: Bool = false) throws -> Double {
                guard let v = Double(value), v.isFinite, positive ? v > 0 : v >= 0 else {
                    throw Options.Invalid(description: "\(flag): want a number \(positive ? ">" : ">=") 0, got '\(value)'")
                }
                return v
            }
            switch flag {
            case "--amqp-url": options.amqpURL = value
            case "--database-url": options.databaseURL = value
            case "--switchyard": options.switchyard = value
            case "--topology": options.topologyFile = value
            case "--concurrency": options.concurrency = try int()
            case "--prefetch": options.prefetch = try int()
            case "--worker-arg": options.workerArguments.append(value)
            case "--workers": options.workers = try int()
            case "--n": options.n = try int()
            case "--rate": options.rate = try seconds(positive: true)
            case "--duration": options.duration = try seconds(positive: true)
            case "--warmup": options.warmup = try int()
            case "--scenarios":
                options.scenarios = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                for scenario in options.scenarios where scenario != "drain" && scenario != "latency" {
                    throw Options.Invalid(description: "--scenarios: unknown scenario '\(scenario)' (drain, latency)")
                }
            case "--runs": options.runs = try int()
            case "--first-run": options.firstRun = try int(min: 0)
            case "--logdir": options.logdir = value
            case "--drain-timeout": options.drainTimeout = try seconds(positive: true)
            case "--quiet-wait": options.quietWait = try seconds()
            case "--window": options.window = try int()
            case "--pidfile": options.pidfile = value
            case "--latency-dump": options.latencyDump = value
            case "--system": options.system = value
            default: throw Options.Invalid(description: "unknown option \(flag)")
            }
        }
        guard !options.switchyard.isEmpty else { throw Options.Invalid(description: "--switchyard PATH is required") }
        guard FileManager.default.isExecutableFile(atPath: options.switchyard) else {
            throw Options.Invalid(description: "--switchyard: \(options.switchyard) is not an executable")
        }
        guard (options.prefetch ?? 0) <= Int(UInt16.max) else { throw Options.Invalid(description: "--prefetch must be <= 65535") }
        guard options.workers == 1 || !options.scenarios.contains("latency") else {
            throw Options.Invalid(description: "--workers \(options.workers): the latency scenario runs one worker; add --scenarios drain")
        }
        guard Int(options.rate * options.duration) >= 1 else { throw Options.Invalid(description: "--rate x --duration must be >= 1 job") }
        // Loopback only, as bench_common.py enforces for the anchors.
        guard !options.amqpURL.isEmpty else { throw Options.Invalid(description: "--amqp-url (or SWITCHYARD_AMQP_URL) is required") }
        for node in try AMQPConnection.Configuration(url: options.amqpURL).nodes where !Self.isLoopback(node.host) {
            throw Options.Invalid(description: "AMQP host must be loopback, got \(node.host)")
        }
        guard let database = URLComponents(string: options.databaseURL),
              ["postgresql", "postgres"].contains(database.scheme ?? ""), let databaseHost = database.host
        else {
            throw Options.Invalid(description: "--database-url (or SWITCHYARD_DATABASE_URL): want postgresql://user@host:port/db")
        }
        guard Self.isLoopback(databaseHost) else {
            throw Options.Invalid(description: "database host must be loopback, got \(databaseHost)")
        }
        return options
    }

    static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }

    /// `latency@300/s` (Python's `f"{rate:g}"`).
    var latencyScenario: String {
        let rateText = rate == rate.rounded() && abs(rate) < 1e15 ? String(Int(rate)) : String(rate)
        return "latency@\(rateText)/s"
    }
}
