// Drives `scripts/services` (and the other scripts/ tools) from tests that need an outage.

import Foundation

/// Runs `scripts/services` subcommands, e.g. to stop and start the broker mid-test.
public enum ServicesControl {
    /// Runs `scripts/services ARGS...` and waits for it.
    /// - Throws: When it exits non-zero; the message holds its output.
    public static func run(_ arguments: String...) throws {
        _ = try script("services", arguments)
    }

    /// Runs `body` while the broker blocks every publisher (a memory alarm: the high watermark
    /// at 0), and lifts the alarm when `body` returns or throws.
    public static func whileBrokerBlocksPublishers<T>(_ body: () async throws -> T) async throws -> T {
        try await during(
            { try run("rabbitmqctl", "set_vm_memory_high_watermark", "0") },
            until: { try run("rabbitmqctl", "set_vm_memory_high_watermark", "0.4") }, body)
    }

    /// Runs `body` while quorum queues of `vhost` (a test's: plain names) on
    /// `scripts/services`' one node take messages and confirm none: their Raft servers
    /// suspended (`sys:suspend`), as a queue that lost its quorum or whose disk stalled. The
    /// broker blocks no connection and closes nothing. The queues resume when `body` returns or
    /// throws, and then confirm what they took.
    /// - Parameters:
    ///   - vhost: The queues' vhost.
    ///   - queue: The one queue to stall; nil: every quorum queue of the vhost.
    ///   - body: What runs while they stall.
    public static func whileQueuesStopConfirming<T>(vhost: String, queue: String? = nil, _ body: () async throws -> T) async throws -> T {
        let filter = queue.map { #", amqqueue:get_name(Q) =:= rabbit_misc:r(<<"\#(vhost)">>, queue, <<"\#($0)">>)"# } ?? ""
        func each(_ call: String) throws {
            try run("rabbitmqctl", "eval", """
                [sys:\(call)(whereis(element(1, amqqueue:get_pid(Q)))) || Q <- rabbit_amqqueue:list(<<"\(vhost)">>),
                 amqqueue:get_type(Q) =:= rabbit_quorum_queue\(filter)].
                """)
        }
        return try await during({ try each("suspend") }, until: { try each("resume") }, body)
    }

    /// Runs `body` while `scripts/services`' database server answers nothing, as one whose disk
    /// hangs (`scripts/services postgres-pause`: the postmaster and its backends stopped, their
    /// sockets open, so the kernel still takes what is sent). It goes on (`postgres-resume`) when
    /// `body` returns or throws.
    public static func whileDatabaseHangs<T>(_ body: () async throws -> T) async throws -> T {
        try await during({ try run("postgres-pause") }, until: { try run("postgres-resume") }, body)
    }

    /// Runs `body` between `start` and `end`; `end` runs also when `body` throws.
    private static func during<T>(_ start: () throws -> Void, until end: () throws -> Void, _ body: () async throws -> T) async throws -> T {
        try start()
        let result: T
        do {
            result = try await body()
        } catch {
            try? end()
            throw error
        }
        try end()
        return result
    }

    /// Runs `scripts/NAME ARGS...` and waits for it.
    /// - Returns: Its output (standard output and errors together).
    /// - Throws: When it exits non-zero; the message holds its output.
    public static func script(_ name: String, _ arguments: [String]) throws -> String {
        let (status, text) = try runCapturingOutput(TestEnvironment.repositoryRoot.appending(path: "scripts/\(name)"), arguments)
        guard status == 0 else {
            throw ServicesControlError(message: "scripts/\(name) \(arguments.joined(separator: " ")) exited \(status): \(text.suffix(4000))")
        }
        return text
    }
}

/// A `scripts/services` command failed.
public struct ServicesControlError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
