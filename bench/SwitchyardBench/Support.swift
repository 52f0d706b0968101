// Records (the anchors' JSON line format), CPU accounting (a port of bench_common.CpuMeter),
// waiting for an idle machine, and a watchdog that bounds each phase.

import Foundation
import Glibc
import SwitchyardAMQP

// MARK: - Records

enum Field: Sendable {
    case int(Int)
    case double(Double)
    case string(String)

    var json: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? "\(v)" : "null"
        case .string(let v):
            var out = "\""
            for scalar in v.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }
}

func rounded(_ value: Double, _ places: Int) -> Double {
    let scale = pow(10.0, Double(places))
    return (value * scale).rounded() / scale
}

/// Writes one record: `{"system", "scenario", "metric", "value", "unit", "run", "ts", ...extra}`,
/// to stdout and, when `$BENCH_JSONL` is set, appended to that file (bench_common.emit).
func emit(
    system: String, scenario: String, metric: String, value: Double, unit: String, run: Int,
    _ extra: [(String, Field)]
) {
    let fields: [(String, Field)] = [
        ("system", .string(system)), ("scenario", .string(scenario)), ("metric", .string(metric)),
        ("value", .double(rounded(value, 3))), ("unit", .string(unit)), ("run", .int(run)),
        ("ts", .double(rounded(Date().timeIntervalSince1970, 3))),
    ] + extra
    let line = "{" + fields.map { "\(Field.string($0.0).json): \($0.1.json)" }.joined(separator: ", ") + "}"
    print(line)
    fflush(nil)  // stdout may be a pipe: flush every record
    if let path = ProcessInfo.processInfo.environment["BENCH_JSONL"], !path.isEmpty {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        if fd >= 0 {
            let bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        } else {
            warn("cannot append to BENCH_JSONL=\(path)")
        }
    }
}

func warn(_ text: String) {
    FileHandle.standardError.write(Data("[switchyard-bench] \(text)\n".utf8))
}

// MARK: - Time

let clock = ContinuousClock()

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

// MARK: - CPU accounting (same arithmetic as bench_common.CpuMeter)

/// CPU used during a phase, in cores: by the broker, by "us" (this process + the broker and
/// Postgres process trees), and "foreign" (everything else on the machine). Beyond the anchors'
/// fields: Postgres (its process tree) and the interval, so CPU seconds can be derived.
struct CpuMeter {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    /// The broker's pid file; a cluster's nodes' pid files separated by `:` (their CPU is summed).
    static let rmqPidfiles = (ProcessInfo.processInfo.environment["BENCH_RMQ_PIDFILE"] ?? "").split(separator: ":").map(String.init)
    static let pgPidfile = ProcessInfo.processInfo.environment["BENCH_PG_PIDFILE"] ?? ""

    let roots: [Int]
    let brokers: [Int]
    let postgres: Int?
    let t0: ContinuousClock.Instant
    let machine0: (busy: Int, total: Int)
    let ours0: Jiffies

    static func start(enabled: Bool = true) -> CpuMeter? {
        enabled ? CpuMeter() : nil
    }

    private init() {
        brokers = Self.rmqPidfiles.compactMap { Self.readPidfile($0) }
        postgres = Self.readPidfile(Self.pgPidfile)
        roots = [Int(getpid())] + brokers + [postgres].compactMap { $0 }
        t0 = clock.now
        machine0 = Self.machineJiffies()
        ours0 = Self.jiffies(roots: roots, brokers: brokers, postgres: postgres)
    }

    /// `cpu_machine_cores`, `cpu_ours_cores`, `cpu_broker_cores`, `cpu_foreign_cores`,
    /// `cpu_postgres_cores`, `cpu_interval_s`.
    func stop() -> [(String, Field)] {
        let dt = max((clock.now - t0).seconds, 1e-6)
        let machine1 = Self.machineJiffies()
        let ours1 = Self.jiffies(roots: roots, brokers: brokers, postgres: postgres)
        func cores(_ jiffies: Int) -> Double { Double(jiffies) / Self.ticksPerSecond / dt }
        let busy = cores(machine1.busy - machine0.busy)
        let ours = cores(ours1.ours - ours0.ours)
        return [
            ("cpu_machine_cores", .double(rounded(busy, 2))), ("cpu_ours_cores", .double(rounded(ours, 2))),
            ("cpu_broker_cores", .double(rounded(cores(ours1.broker - ours0.broker), 2))),
            ("cpu_foreign_cores", .double(rounded(max(busy - ours, 0), 2))),
            ("cpu_postgres_cores", .double(rounded(cores(ours1.postgres - ours0.postgres), 2))),
            ("cpu_interval_s", .double(rounded(dt, 3))),
        ]
    }

    static func foreign(_ usage: [(String, Field)]) -> Double {
        guard case .double(let v)? = usage.first(where: { $0.0 == "cpu_foreign_cores" })?.1 else { return 0 }
        return v
    }

    static func readPidfile(_ path: String) -> Int? {
        guard !path.isEmpty, let text = readSmallFile(path) else { return nil }
        return Int(text.split(separator: "\n", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) ?? "")
    }

    /// Reads a /proc file (their stat size is 0, so read until EOF).
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<256 {  // bounded: 1 MiB
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got <= 0 { break }
            bytes.append(contentsOf: buffer[0..<got])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func machineJiffies() -> (busy: Int, total: Int) {
        guard let text = readSmallFile("/proc/stat"), let line = text.split(separator: "\n").first else { return (0, 0) }
        let v = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard v.count >= 8 else { return (0, 0) }
        return (v[0] + v[1] + v[2] + v[5] + v[6], v[0..<8].reduce(0, +))
    }

    /// pid -> (ppid, utime+stime+cutime+cstime).
    static func procTable() -> [Int: (ppid: Int, jiffies: Int)] {
        var table: [Int: (ppid: Int, jiffies: Int)] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int(entry), let stat = readSmallFile("/proc/\(entry)/stat"),
                  let close = stat.lastIndex(of: ")") else { continue }
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            guard rest.count > 14, let ppid = Int(rest[1]) else { continue }
            table[pid] = (ppid, rest[11...14].compactMap { Int($0) }.reduce(0, +))
        }
        return table
    }

    /// CPU so far, in jiffies: of the process trees of `roots` together, of the broker processes
    /// (each alone), of the Postgres process tree.
    typealias Jiffies = (ours: Int, broker: Int, postgres: Int)

    static func jiffies(roots: [Int], brokers: [Int], postgres: Int?) -> Jiffies {
        let table = procTable()
        var children: [Int: [Int]] = [:]
        for (pid, entry) in table { children[entry.ppid, default: []].append(pid) }
        func tree(_ roots: [Int]) -> Int {
            var seen = Set<Int>()
            var stack = roots.filter { table[$0] != nil }
            while let pid = stack.popLast() {
                guard seen.insert(pid).inserted else { continue }
                stack.append(contentsOf: children[pid] ?? [])
            }
            return seen.reduce(0) { $0 + (table[$1]?.jiffies ?? 0) }
        }
        return (tree(roots), brokers.reduce(0) { $0 + (table[$1]?.jiffies ?? 0) }, tree([postgres].compactMap { $0 }))
    }
}

/// Waits (bounded) until other processes use < `threshold` cores (bench_common.wait_for_quiet).
func waitForQuiet(maxWait: Double, threshold: Double = 0.25) async {
    guard maxWait > 0 else { return }
    let deadline = clock.now + .seconds(maxWait)
    while true {
        guard let meter = CpuMeter.start() else { return }
        try? await Task.sleep(for: .seconds(1))
        let foreign = CpuMeter.foreign(meter.stop())
        if foreign < threshold || clock.now > deadline {
            if foreign >= threshold {
                warn("machine busy with foreign load (\(foreign) cores); measuring anyway")
            }
            return
        }
        try? await Task.sleep(for: .seconds(1))
    }
}

// MARK: - Watchdog

/// Closes a connection when a phase overruns its time limit, which ends its consumers and
/// fails its pending publishes, so every phase is bounded in time.
struct Watchdog {
    private let task: Task<Bool, Never>

    init(timeout: Double, closing connection: AMQPConnection) {
        task = Task {
            do {
                try await Task.sleep(for: .seconds(timeout))
            } catch {
                return false
            }
            await connection.close()
            return true
        }
    }

    /// Stops the watchdog. - Returns: Whether it fired.
    func stop() async -> Bool {
        task.cancel()
        return await task.value
    }
}
