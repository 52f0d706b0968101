// Command-line options: a few `--flag value` pairs, parsed by hand (no dependencies).

import Foundation
import SwitchyardAMQP

struct Options: Sendable {
    var url = ProcessInfo.processInfo.environment["BENCH_AMQP_URL"]
        ?? ProcessInfo.processInfo.environment["SWITCHYARD_AMQP_URL"]
        ?? "amqp://guest:guest@127.0.0.1:5680/%2F"
    var n = 50_000
    var size = 512
    var window = 1000
    var batch = 250
    var prefetch = 300
    var types = ["classic", "quorum"]
    /// Publish variants: `batch` (headline, followed by the consume phase) and `single`.
    var variants = ["batch", "single"]
    var runs = 1
    var firstRun = 1
    var timeout = 120.0
    var quietWait = 20.0
    /// CPU accounting (scans /proc at each phase's start and end); off for allocation counts.
    var cpu = true

    static let usage = """
        usage: SwitchyardBench [--url amqp://...] [--n 50000] [--size 512] [--window 1000]
                               [--batch 250] [--prefetch 300] [--types classic,quorum]
                               [--variants batch,single] [--runs 1] [--first-run 1]
                               [--timeout 120] [--quiet-wait 20] [--cpu on|off]
          --url        broker (default $BENCH_AMQP_URL, else $SWITCHYARD_AMQP_URL); loopback only
          --variants   batch = publish([msgs]) in batches (then consume); single = publish(msg) per message
          --quiet-wait max seconds to wait for an idle machine before each publish phase (0: don't)
          --cpu        off: no CPU accounting (no /proc scans; for counting allocations under valgrind)
        Records: one JSON line per figure on stdout, also appended to $BENCH_JSONL when set.
        CPU: broker pid from $BENCH_RMQ_PIDFILE, Postgres pid from $BENCH_PG_PIDFILE.
        """

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var rest = arguments[...]
        func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        while let flag = rest.popFirst() {
            if flag == "-h" || flag == "--help" {
                print(usage)
                exit(0)
            }
            guard let value = rest.popFirst() else { throw Invalid(description: "\(flag) needs a value") }
            func int(min: Int = 1) throws -> Int {
                guard let v = Int(value), v >= min else { throw Invalid(description: "\(flag): want an integer >= \(min), got '\(value)'") }
                return v
            }
            func seconds() throws -> Double {
                guard let v = Double(value), v >= 0 else { throw Invalid(description: "\(flag): want seconds >= 0, got '\(value)'") }
                return v
            }
            switch flag {
            case "--url": options.url = value
            case "--n": options.n = try int()
            case "--size": options.size = try int(min: 0)
            case "--window": options.window = try int()
            case "--batch": options.batch = try int()
            case "--prefetch": options.prefetch = try int()
            case "--types": options.types = list(value)
            case "--variants": options.variants = list(value)
            case "--runs": options.runs = try int()
            case "--first-run": options.firstRun = try int(min: 0)
            case "--timeout": options.timeout = try seconds()
            case "--quiet-wait": options.quietWait = try seconds()
            case "--cpu":
                guard value == "on" || value == "off" else { throw Invalid(description: "--cpu: on or off") }
                options.cpu = value == "on"
            default: throw Invalid(description: "unknown option \(flag)")
            }
        }
        guard options.prefetch <= Int(UInt16.max) else { throw Invalid(description: "--prefetch must be <= 65535") }
        guard options.batch <= options.window else { throw Invalid(description: "--batch must be <= --window") }
        for type in options.types where type != "classic" && type != "quorum" && type != "stream" {
            throw Invalid(description: "--types: unknown queue type '\(type)'")
        }
        for variant in options.variants where variant != "batch" && variant != "single" {
            throw Invalid(description: "--variants: unknown variant '\(variant)' (batch, single)")
        }
        // Loopback only, as bench_common.py enforces for the anchors.
        let host = try AMQPConnection.Configuration(url: options.url).host
        guard ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
            throw Invalid(description: "AMQP host must be loopback, got \(host)")
        }
        return options
    }
}
