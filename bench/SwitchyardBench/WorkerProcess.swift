// `switchyard work probe` as a child process: start it in a process group of its own (like
// bench_common.start_workers), watch it, read its peak RSS and CPU from /proc, stop it by pid.

import Foundation
import Glibc

/// One worker process, owned by the task that started it (not shared between tasks).
final class WorkerProcess {
    let pid: pid_t
    let logPath: String
    /// Wall-clock time (seconds since the epoch) taken just before the process was spawned: the
    /// anchors' `Workers.t_start`.
    let startedAt: Double
    let startedInstant: ContinuousClock.Instant
    private(set) var exitStatus: Int32?
    private let pidfile: String
    /// Where this process's lines start in `logPath` (an earlier process may have written it).
    private let logOffset: UInt64

    /// Spawns `arguments[0]` with `arguments`, `environment`, stdin from /dev/null, stdout and
    /// stderr appended to `logPath`, in a new process group (pgid = pid).
    init(arguments: [String], environment: [String: String], logPath: String, pidfile: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        logOffset = ((try? FileManager.default.attributesOfItem(atPath: logPath))?[.size] as? NSNumber)?.uint64Value ?? 0
        var child: pid_t = 0
        startedInstant = clock.now
        startedAt = Date().timeIntervalSince1970
        // One fork+exec (vfork semantics in glibc): returns as soon as the child has exec'd.
        let rc = posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw BenchFailure(description: "cannot start \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
        self.logPath = logPath
        self.pidfile = pidfile
        if !pidfile.isEmpty {
            try? "\(child)\n".write(toFile: pidfile, atomically: true, encoding: .utf8)
        }
    }

    /// Whether the process still runs (reaps it when it has exited).
    func isAlive() -> Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        if rc == 0 { return true }
        exitStatus = rc == pid ? status : -1
        return false
    }

    /// "exit 3", "signal 9".
    var exitDescription: String {
        guard let status = exitStatus else { return "running" }
        if status == -1 { return "gone" }
        if status & 0x7f == 0 { return "exit \((status >> 8) & 0xff)" }
        return "signal \(status & 0x7f)"
    }

    /// SIGTERM (the worker drains gracefully), then, after `timeout` s, SIGKILL to its group; also
    /// signals whatever else is left in its process group (bench_common.stop_workers).
    func stop(timeout: Double = 30) async {
        if isAlive() {
            kill(pid, SIGTERM)
            await waitForExit(timeout: timeout)
        }
        for signal in [SIGTERM, SIGKILL] {
            _ = isAlive()  // reap our child first: a zombie still counts as a group member
            guard killpg(pid, 0) == 0 else { break }  // anything left in the group?
            killpg(pid, signal)
            let deadline = clock.now + .seconds(5)
            while clock.now < deadline {
                _ = isAlive()
                if killpg(pid, 0) != 0 { break }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        if !pidfile.isEmpty { try? FileManager.default.removeItem(atPath: pidfile) }
    }

    private func waitForExit(timeout: Double) async {
        let deadline = clock.now + .seconds(timeout)
        while isAlive() && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    // MARK: /proc

    /// Peak resident set size so far (`VmHWM`), in KiB; nil once the process is gone.
    func peakRSSKiB() -> Int? {
        guard let status = CpuMeter.readSmallFile("/proc/\(pid)/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).split { $0 == " " || $0 == "\t" }.first ?? "")  // "VmHWM:\t   1612 kB"
        }
        return nil
    }

    /// CPU time the process used so far (user + system, all threads), in seconds.
    func cpuSeconds() -> Double? {
        guard let stat = CpuMeter.readSmallFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        guard rest.count > 12, let user = Int(rest[11]), let system = Int(rest[12]) else { return nil }
        return Double(user + system) / CpuMeter.ticksPerSecond
    }

    // MARK: Log

    /// The `ts` (seconds since the epoch) of this process's first JSON log line whose `msg` is `message`.
    func logTimestamp(of message: String) -> Double? {
        guard let text = readOwnLog(maxBytes: 4 << 20) else { return nil }
        let needle = "\"msg\":\"\(message)\""
        for line in text.split(separator: "\n") where line.contains(needle) {
            guard let range = line.range(of: "\"ts\":\"") else { continue }
            let value = line[range.upperBound...].prefix { $0 != "\"" }
            return Self.parseISO8601(String(value))
        }
        return nil
    }

    /// The string field `key` of this process's first JSON log line whose `msg` is `message`.
    func logField(_ key: String, of message: String) -> String? {
        guard let text = readOwnLog(maxBytes: 4 << 20) else { return nil }
        let needle = "\"msg\":\"\(message)\""
        for line in text.split(separator: "\n") where line.contains(needle) {
            guard let range = line.range(of: "\"\(key)\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        return nil
    }

    /// Lines of the log at level warning or worse (a reconnect or a failed commit makes a run suspect).
    func logProblems() -> Int {
        guard let text = readOwnLog(maxBytes: 256 << 20) else { return 0 }
        return text.split(separator: "\n").filter {
            $0.contains("\"level\":\"warning\"") || $0.contains("\"level\":\"error\"") || $0.contains("\"level\":\"critical\"")
        }.count
    }

    /// The first `maxBytes` this process wrote to its log.
    private func readOwnLog(maxBytes: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: logOffset)) != nil, let data = try? handle.read(upToCount: maxBytes) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// `2026-11-30T02:12:28.858Z` (UTC, optional fraction) -> seconds since the epoch.
    static func parseISO8601(_ text: String) -> Double? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, parts[1].hasSuffix("Z") else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int32($0) }
        let time = parts[1].dropLast().split(separator: ":")
        guard date.count == 3, time.count == 3, let hour = Int32(time[0]), let minute = Int32(time[1]),
              let seconds = Double(time[2]) else { return nil }
        var fields = tm()
        fields.tm_year = date[0] - 1900
        fields.tm_mon = date[1] - 1
        fields.tm_mday = date[2]
        fields.tm_hour = hour
        fields.tm_min = minute
        fields.tm_sec = 0
        return Double(timegm(&fields)) + seconds
    }
}
