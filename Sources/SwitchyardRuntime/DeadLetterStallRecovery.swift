// Recovering a quorum queue whose dead-letter worker did not resume: move its leadership, so
// the new leader starts a worker that hands the backlog on (with confirms: nothing is lost).

public import Foundation
public import Switchyard
public import SwitchyardCore
import SwitchyardHTTP

/// Moves a stalled queue's leadership. RabbitMQ 3.10's management API has no call that moves
/// one queue's leader, so with a broker command configured
/// (`SWITCHYARD_RABBITMQ_QUEUES_COMMAND`, e.g. `rabbitmq-queues` with access to the cluster) it
/// removes the leader's replica (`delete_member`: the other replicas elect a leader, which
/// starts a dead-letter worker) and adds it back (`add_member`). Without one it asks the broker
/// to rebalance leaders (`POST /api/rebalance/queues`), which moves a queue only if it is among
/// the lightest on a node with more than its share, and says which commands would recover it.
public struct DeadLetterStallRecovery: Sendable {
    /// What a recovery did.
    public struct Outcome: Sendable, CustomStringConvertible {
        /// `members` (replica removed and added back) or `rebalance`.
        public var method: String
        /// Whether the leadership was moved (`members`) or the rebalance was accepted.
        public var succeeded: Bool
        /// What happened, for the log and `switchyard queues`.
        public var detail: String
        public var description: String { "\(method): \(detail)" }
    }

    /// The broker command, split into words (nil: rebalance only).
    public var queuesCommand: [String]?
    private let management: RabbitMQManagement

    /// Creates a recovery.
    /// - Parameters:
    ///   - management: The management API, for the rebalance.
    ///   - environment: `SWITCHYARD_RABBITMQ_QUEUES_COMMAND`: a `rabbitmq-queues` command line
    ///     (words separated by spaces) that reaches the cluster.
    /// - Throws: ``ConfigurationError`` when the command's program is not an executable file
    ///   (a path, or a name found on `PATH`): a stall is the wrong time to find that out.
    public init(
        management: RabbitMQManagement, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) {
        self.management = management
        let words = (environment["SWITCHYARD_RABBITMQ_QUEUES_COMMAND"] ?? "").split(separator: " ").map(String.init)
        queuesCommand = words.isEmpty ? nil : words
        if let program = words.first, Self.executable(program, path: environment["PATH"] ?? "") == nil {
            throw ConfigurationError(
                variable: "SWITCHYARD_RABBITMQ_QUEUES_COMMAND",
                problem: "expected a command line whose first word is an executable file (a path, or a name on PATH), got '\(program)'")
        }
    }

    /// The file `program` runs: itself when it is a path, else the first match on `path`.
    private static func executable(_ program: String, path: String) -> String? {
        let candidates = program.contains("/") ? [program] : path.split(separator: ":").map { "\($0)/\(program)" }
        return candidates.first { candidate in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder) && !isFolder.boolValue
                && FileManager.default.isExecutableFile(atPath: candidate)
        }
    }

    /// Recovers `queue`, led by `leader`.
    public func recover(queue: String, virtualHost: String, leader: String?) async -> Outcome {
        guard let queuesCommand, let leader, !leader.isEmpty else {
            return await rebalance(queue: queue, virtualHost: virtualHost, leader: leader)
        }
        let base = ["--vhost", virtualHost, queue, leader]
        let removed = await Self.run(queuesCommand + ["delete_member"] + base)
        guard removed.status == 0 else {
            return Outcome(method: "members", succeeded: false,
                           detail: "delete_member \(queue) \(leader) failed (exit \(removed.status)): \(removed.output)")
        }
        let added = await Self.run(queuesCommand + ["add_member"] + base)
        guard added.status == 0 else {
            return Outcome(method: "members", succeeded: false,
                           detail: "moved the leadership, but add_member \(queue) \(leader) failed (exit \(added.status)): \(added.output)")
        }
        return Outcome(method: "members", succeeded: true, detail: "replica on \(leader) removed and added back")
    }

    private func rebalance(queue: String, virtualHost: String, leader: String?) async -> Outcome {
        let node = leader ?? "<leader node>"
        let advice = "if it stays stalled: rabbitmq-queues delete_member --vhost \(virtualHost) \(queue) \(node), "
            + "then add_member with the same arguments (or set SWITCHYARD_RABBITMQ_QUEUES_COMMAND)"
        do {
            try await management.request(.post, "/api/rebalance/queues")
            return Outcome(method: "rebalance", succeeded: true, detail: "asked the broker to rebalance leaders; \(advice)")
        } catch {
            return Outcome(method: "rebalance", succeeded: false, detail: "the rebalance failed (\(error)); \(advice)")
        }
    }

    /// Runs a command on a thread of its own (it blocks until the command exits): its exit
    /// status and the end of its output.
    private static func run(_ arguments: [String]) async -> (status: Int32, output: String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: arguments[0].contains("/") ? arguments[0] : "/usr/bin/env")
                process.arguments = arguments[0].contains("/") ? Array(arguments.dropFirst()) : arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: (127, "cannot run \(arguments[0]): \(error)"))
                    return
                }
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                let text = String(decoding: data, as: UTF8.self).trimmingWhiteSpace()
                continuation.resume(returning: (process.terminationStatus, String(text.suffix(300))))
            }
        }
    }
}
