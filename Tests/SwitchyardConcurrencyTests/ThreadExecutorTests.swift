import Foundation
import SwitchyardConcurrency
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
}

@Suite struct ThreadExecutorTests {
    @Test func actorMethodsRunOnTheDedicatedThread() async {
        let executor = ThreadExecutor(name: "test-owner")
        defer { executor.shutdown() }
        let owner = Owner(executor: executor)
        #expect(await owner.record(1))
        #expect(!executor.isCurrent)
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

    /// Four owners block in a C-style wait that only a cooperative task can end. Were their jobs
    /// on the cooperative pool (two threads here), that task could never run and this would hang.
    @Test(.timeLimit(.minutes(1)))
    func blockingJobsLeaveTheCooperativePoolFree() async {
        let release = DispatchSemaphore(value: 0)
        let executors = (0..<4).map { ThreadExecutor(name: "test-blocking-\($0)") }
        defer { executors.forEach { $0.shutdown() } }
        await withTaskGroup(of: Void.self) { group in
            for executor in executors {
                group.addTask { await Owner(executor: executor).wait(on: release) }
            }
            group.addTask {
                for _ in executors { release.signal() }
            }
        }
    }
}

extension Owner {
    func wait(on semaphore: DispatchSemaphore) {
        semaphore.wait()
    }
}
