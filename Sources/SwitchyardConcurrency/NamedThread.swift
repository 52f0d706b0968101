// Starts an OS thread whose name reaches the OS, for `top -H`, `perf` and debuggers.

import Foundation

/// Starts threads with a name the OS shows.
///
/// On Linux, Foundation passes a name to the OS thread only when it is set from that thread
/// once `start()` has returned (before that, `Thread.current` isn't the started `Thread`), and
/// the OS refuses a name of more than 15 bytes outright, leaving the creator's name in place.
public enum NamedThread {
    /// Starts a thread named `name` (cut to 15 bytes) that runs `body`.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        start(name: name, beforeRunning: { _ in }, body)
    }

    /// Runs a blocking `body` (a file read, say) on a thread of its own named `name`, so the
    /// caller's thread (maybe one of Swift's cooperative pool) only waits for the result.
    public static func result<Value: Sendable>(name: String, _ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            start(name: name) { continuation.resume(returning: body()) }
        }
    }

    /// Starts a thread named `name` (cut to 15 bytes) that runs `body`.
    /// - Parameters:
    ///   - prepare: Runs on the caller's thread with the started thread, before `body` begins.
    ///   - body: What the thread runs.
    /// - Returns: The started thread.
    @discardableResult
    static func start(name: String, beforeRunning prepare: (Thread) -> Void, _ body: @escaping @Sendable () -> Void) -> Thread {
        let started = DispatchSemaphore(value: 0)
        let osName = shortened(name)
        let thread = Thread {
            started.wait()
            Thread.current.name = osName
            body()
        }
        thread.name = name
        thread.start()
        prepare(thread)
        started.signal()
        return thread
    }

    /// The longest prefix of `name` of at most 15 UTF-8 bytes that ends on a character boundary.
    static func shortened(_ name: String) -> String {
        var result = ""
        var bytes = 0
        for character in name {
            bytes += character.utf8.count
            if bytes > 15 { break }
            result.append(character)
        }
        return result
    }
}
