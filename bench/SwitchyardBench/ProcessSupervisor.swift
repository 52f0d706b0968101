// Processes restarted like containers: each slot runs one command; when its process dies, a new
// one starts half a second later.

import Foundation
import Glibc

/// Keeps one process running per slot until stopped; signals (kills, stops) on request.
actor ProcessSupervisor {
    private struct Slot {
        var process: WorkerProcess
        var diedAt: ContinuousClock.Instant?
    }

    private let arguments: [String]
    private let environment: [String: String]
    private let logPrefix: String
    private var slots: [Slot] = []
    private var watcher: Task<Void, Never>?
    private(set) var restarts = 0

    /// - Parameters:
    ///   - arguments: The command (absolute path first).
    ///   - environment: Its environment.
    ///   - logPrefix: Slot N logs to `<logPrefix>-N.log`.
    init(arguments: [String], environment: [String: String], logPrefix: String) {
        self.arguments = arguments
        self.environment = environment
        self.logPrefix = logPrefix
    }

    /// Starts `count` processes and the watcher that restarts them.
    func start(count: Int) throws {
        for index in 0..<count {
            slots.append(Slot(process: try spawn(index), diedAt: nil))
        }
        watcher = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                await self?.restartDead()
            }
        }
    }

    private func spawn(_ index: Int) throws -> WorkerProcess {
        try WorkerProcess(
            arguments: arguments, environment: environment, logPath: "\(logPrefix)-\(index).log", pidfile: "")
    }

    private func restartDead() {
        let now = ContinuousClock.now
        for index in slots.indices where !slots[index].process.isAlive() {
            guard let diedAt = slots[index].diedAt else {
                slots[index].diedAt = now
                continue
            }
            guard now - diedAt >= .milliseconds(500), let process = try? spawn(index) else { continue }
            slots[index] = Slot(process: process, diedAt: nil)
            restarts += 1
        }
    }

    /// Sends each of `signals` to a different running process, chosen at random; how many were
    /// sent (fewer when fewer processes run).
    @discardableResult
    func signalRandom(_ signals: [Int32]) -> Int {
        var running = slots.indices.filter { slots[$0].process.isAlive() }.shuffled()
        var sent = 0
        for signal in signals {
            guard let index = running.popLast() else { break }
            kill(slots[index].process.pid, signal)
            sent += 1
        }
        return sent
    }

    /// Whether every slot's process runs.
    func allRunning() -> Bool { slots.allSatisfy { $0.process.isAlive() } }

    /// Stops the watcher, then every process: SIGTERM, and SIGKILL to its process group after
    /// 20 s.
    func stop() async {
        watcher?.cancel()
        watcher = nil
        for slot in slots where slot.process.isAlive() { kill(slot.process.pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(20)
        while slots.contains(where: { $0.process.isAlive() }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for slot in slots { killpg(slot.process.pid, SIGKILL) }
        slots = []
    }
}
