import Foundation
import SwitchyardConcurrency
import Synchronization
import Testing

/// An actor bound to a ThreadExecutor, as the C-connection owners are.
private actor Owner {
    let executor: ThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private var log: [Int] = []

    init(executor: ThreadExecutor) { self.executor = executor }

    func record(_ value: Int) -> Bool {
        log.append(value)
        return executor.isCurrent
    }

    func entries() -> [Int] { log }

    /// Blocks this owner's thread, as a blocking C call does, until `release` is signalled;
    /// says which thread it blocked and that it was the executor's own.
    func block(counting blocked: Blocked, until release: DispatchSemaphore) -> (thread: String, onExecutor: Bool) {
        blocked.arrive()
        release.wait()
        return (Thread.current.name ?? "", executor.isCurrent)
    }
}

/// How many owners are blocked right now.
private final class Blocked: Sendable {
    private let count = Mutex(0)
    func arrive() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

@Suite struct ThreadExecutorTests {
    @Test func actorMethodsRunOnTheDedicatedThreadAndNotOnTheCaller() async {
        let executor = ThreadExecutor(name: "test-owner")
        defer { executor.shutdown() }
        let owner = Owner(executor: executor)
        #expect(await owner.record(1), "inside the actor, the executor's thread is current")
        #expect(!executor.isCurrent, "back in the test, it is not")
    }

    @Test func jobsFromManyTasksAllRunExactlyOnce() async {
        let executor = ThreadExecutor(name: "test-many")
        defer { executor.shutdown() }
        let owner = Owner(executor: executor)
        await withTaskGroup(of: Bool.self) { group in
            for value in 0..<1_000 {
                group.addTask { await owner.record(value) }
            }
            for await onThread in group {
                #expect(onThread)
            }
        }
        #expect(await owner.entries().sorted() == Array(0..<1_000))
    }

    /// Four owners block at once, each in a C-style wait that only a cooperative task ends, and
    /// that task sees all four blocked before it releases them. Were their jobs on the
    /// cooperative pool (two threads here), at most two could block and the releasing task
    /// could not run: the time limit would fail the test.
    @Test(.timeLimit(.minutes(1)))
    func blockingJobsRunOnTheirOwnThreadsAndLeaveTheCooperativePoolFree() async {
        let release = DispatchSemaphore(value: 0)
        let blocked = Blocked()
        let executors = (0..<4).map { ThreadExecutor(name: "test-blocking-\($0)") }
        defer { executors.forEach { $0.shutdown() } }
        let threads = await withTaskGroup(of: (thread: String, onExecutor: Bool)?.self) { group in
            for executor in executors {
                group.addTask { await Owner(executor: executor).block(counting: blocked, until: release) }
            }
            group.addTask {
                while blocked.value < executors.count { await Task.yield() }
                for _ in executors { release.signal() }
                return nil
            }
            var threads: [(thread: String, onExecutor: Bool)] = []
            for await result in group {
                if let result { threads.append(result) }
            }
            return threads
        }
        #expect(blocked.value == 4, "all four were blocked at the same time")
        #expect(threads.allSatisfy { $0.onExecutor })
        #expect(Set(threads.map(\.thread)) == Set((0..<4).map { "test-blocking-\($0)" }), "each on its own named thread")
    }
}
