import Foundation
import SwitchyardConcurrency
import Testing

/// The name the OS holds for the calling thread (what `top -H` and `perf` show).
private func osThreadName() -> String {
    ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "")
        .trimmingCharacters(in: .newlines)
}

/// Runs a body on a named thread (`NamedThread.result`) and returns the OS's name for that
/// thread, read from the thread itself: the name the test expects is never the caller's.
private func nameSeenByTheOS(starting name: String) async -> String {
    await NamedThread.result(name: name) { osThreadName() }
}

@Suite struct NamedThreadTests {
    @Test func theOSShowsTheNameGiven() async {
        #expect(await nameSeenByTheOS(starting: "amqp 5672") == "amqp 5672")
    }

    @Test func aNameTooLongForTheOSIsCutNotDropped() async {
        // Linux refuses a name of 16 bytes or more outright, which left the creator's name.
        #expect(await nameSeenByTheOS(starting: "handler deadlines") == "handler deadlin")
        #expect(await nameSeenByTheOS(starting: "amqp 127.0.0.1:5672") == "amqp 127.0.0.1:")
    }

    @Test func aCutNeverSplitsACharacter() async {
        // 14 ASCII bytes and a 2-byte character: the character doesn't fit and is left out whole.
        #expect(await nameSeenByTheOS(starting: "abcdefghijklmné") == "abcdefghijklmn")
    }

    @Test func threadExecutorsCarryTheirNameToTheOS() async {
        let owner = NamedOwner(executor: ThreadExecutor(name: "postgres"))
        defer { owner.executor.shutdown() }
        #expect(await owner.threadName() == "postgres")
    }
}

/// An actor bound to a ThreadExecutor, as the C-connection owners are.
private actor NamedOwner {
    let executor: ThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    init(executor: ThreadExecutor) { self.executor = executor }
    func threadName() -> String { osThreadName() }
}
