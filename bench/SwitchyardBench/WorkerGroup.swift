// The `switchyard work probe` processes of one scenario (`--workers N`): started together with
// the same arguments, stopped together, and read as one worker (CPU summed, the largest peak RSS,
// the earliest log line).

import Glibc

/// The worker processes of one scenario, owned by the task that started them (not shared between
/// tasks).
struct WorkerGroup {
    let processes: [WorkerProcess]

    /// Starts `count` processes of `arguments` with `environment`. Alone, the process logs to
    /// `<logPrefix>.log` and writes its pid to `pidfile`; of several, process k (1...count) logs
    /// to `<logPrefix>-k.log` and writes `pidfile.k`. An empty `pidfile`: no pid files. If one
    /// cannot be started, the ones already running are stopped.
    init(count: Int, arguments: [String], environment: [String: String], logPrefix: String, pidfile: String) async throws {
        var processes: [WorkerProcess] = []
        for k in 1...count {
            do {
                processes.append(try WorkerProcess(
                    arguments: arguments, environment: environment,
                    logPath: count == 1 ? "\(logPrefix).log" : "\(logPrefix)-\(k).log",
                    pidfile: count == 1 || pidfile.isEmpty ? pidfile : "\(pidfile).\(k)"))
            } catch {
                await Self.stop(processes)
                throw error
            }
        }
        self.processes = processes
    }

    /// Wall-clock time just before the first process was spawned.
    var startedAt: Double { processes[0].startedAt }
    var startedInstant: ContinuousClock.Instant { processes[0].startedInstant }

    /// "exit 3; see LOG" for the first process that has exited; nil while every one runs.
    func exited() -> String? {
        processes.first { !$0.isAlive() }.map { "\($0.exitDescription); see \($0.logPath)" }
    }

    /// CPU time the processes used so far, summed, in seconds; nil if one cannot be read.
    func cpuSeconds() -> Double? {
        let seconds = processes.map { $0.cpuSeconds() }
        return seconds.contains { $0 == nil } ? nil : seconds.reduce(0) { $0 + ($1 ?? 0) }
    }

    /// The largest process's peak resident set size (`VmHWM`), in KiB.
    func peakRSSKiB() -> Int? { processes.compactMap { $0.peakRSSKiB() }.max() }

    /// The earliest `ts` of a log line whose `msg` is `message`, over every process's log.
    func logTimestamp(of message: String) -> Double? { processes.compactMap { $0.logTimestamp(of: message) }.min() }

    /// The string field `key` of the first log line whose `msg` is `message`, of the first
    /// process that has one.
    func logField(_ key: String, of message: String) -> String? {
        processes.lazy.compactMap { $0.logField(key, of: message) }.first
    }

    /// Warning and error lines in all the logs.
    func logProblems() -> Int { processes.reduce(0) { $0 + $1.logProblems() } }

    /// SIGTERM to every process at once (they drain in parallel), then each one's `stop()`.
    func stop() async { await Self.stop(processes) }

    private static func stop(_ processes: [WorkerProcess]) async {
        for process in processes where process.isAlive() {
            kill(process.pid, SIGTERM)
        }
        for process in processes {
            await process.stop()
        }
    }
}
