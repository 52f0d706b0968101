// Proof that libpq calls stay off Swift's cooperative thread pool.

import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct BlockingTests {
    /// Four connections sit in `pg_sleep(1)` at once. Were their blocking calls on the
    /// cooperative pool (two threads on our machines), no other task could run until they
    /// returned; here a task group of trivial tasks finishes while they are still asleep.
    @Test func sleepingQueriesLeaveTheCooperativePoolFree() async throws {
        let name = TestEnvironment.uniqueName("blocking")
        var sleepers: [PostgresConnection] = []
        for _ in 0..<4 {
            sleepers.append(try await TestDatabase.connect(applicationName: name))
        }
        let observer = try await TestDatabase.connect()
        let connections = sleepers

        let sleeps = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in connections {
                    group.addTask { try await connection.execute("SELECT pg_sleep(1)") }
                }
                try await group.waitForAll()
            }
            return ContinuousClock.now
        }
        try await waitUntil("four backends in pg_sleep") {
            try await TestDatabase.backendCount(applicationName: name, state: "active", on: observer) == 4
        }
        let sum = await withTaskGroup(of: Int.self) { group in
            for value in 1...1_000 {
                group.addTask { value }
            }
            return await group.reduce(0, +)
        }
        let trivialDone = ContinuousClock.now
        let sleepsDone = try await sleeps.value

        #expect(sum == 500_500)
        #expect(trivialDone < sleepsDone)
        for connection in connections {
            await connection.close()
        }
        await observer.close()
    }
}
