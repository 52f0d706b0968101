// PostgresPool: the bound holds under load and is reached, waiters queue FIFO and time out,
// lost or mid-transaction connections are replaced, close fails waiters.

import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct PoolTests {
    /// A one-shot signal between tasks.
    private struct Signal {
        let stream: AsyncStream<Void>
        let continuation: AsyncStream<Void>.Continuation

        init() {
            (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        }

        func fire() { continuation.yield() }
        func wait() async { for await _ in stream { return } }
    }

    @Test func sixteenTasksShareFourConnections() async throws {
        let name = TestEnvironment.uniqueName("pool_bound")
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(applicationName: name), maxConnections: 4))
        let observer = try await TestDatabase.connect()

        let watcher = Task {
            var most = 0
            while !Task.isCancelled {
                most = max(most, try await TestDatabase.backendCount(applicationName: name, on: observer))
                do { try await Task.sleep(for: .milliseconds(5)) } catch { break }
            }
            return most
        }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try connection.query("SELECT $1::int8 FROM pg_sleep(0.2)", [task])[0].decode(Int.self, at: 0)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        watcher.cancel()
        let mostBackends = try await watcher.value

        #expect(results.sorted() == Array(0..<16))
        let statistics = await pool.statistics
        #expect(statistics.peakInUse == 4)
        #expect(statistics.open == 4)
        #expect(statistics.inUse == 0)
        #expect(mostBackends == 4)
        await pool.close()
        #expect(await pool.statistics.open == 0)
        try await waitUntil("the pool's backends to end") {
            try await TestDatabase.backendCount(applicationName: name, on: observer) == 0
        }
        await observer.close()
    }

    @Test func killedConnectionIsReportedAndReplaced() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
        let admin = try await TestDatabase.connect()
        let firstPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0) }

        try await admin.execute("SELECT pg_terminate_backend($1, 5000)", [firstPID])
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }

        #expect(error?.code == .connectionClosed)
        #expect(await pool.statistics.open == 0)
        let secondPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0) }
        #expect(secondPID != firstPID)
        #expect(await pool.statistics.open == 1)
        await pool.close()
        await admin.close()
    }

    /// `closeIdleConnections` ends the idle backends; the next caller gets a new one.
    @Test func closingIdleConnectionsMakesTheNextCallerOpenAFreshOne() async throws {
        let name = TestEnvironment.uniqueName("pool_idle")
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(applicationName: name), maxConnections: 2))
        let observer = try await TestDatabase.connect()
        let firstPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0) }
        #expect(await pool.statistics.open == 1)

        await pool.closeIdleConnections()
        #expect(await pool.statistics.open == 0)
        try await waitUntil("the idle backend to end") {
            try await TestDatabase.backendCount(applicationName: name, on: observer) == 0
        }
        let secondPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0) }
        #expect(secondPID != firstPID)
        #expect(await pool.statistics.open == 1)
        await pool.close()
        await observer.close()
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
        let acquired = Signal()
        let release = Signal()
        let holder = Task {
            try await pool.withConnection { _ in
                acquired.fire()
                await release.wait()
            }
        }
        await acquired.wait()

        let (order, recorder) = AsyncStream.makeStream(of: Int.self)
        var waiters: [Task<Void, any Error>] = []
        for waiter in 1...3 {
            waiters.append(Task {
                try await pool.withConnection { _ in _ = recorder.yield(waiter) }
            })
            try await waitUntil("waiter \(waiter) to queue") { await pool.statistics.waiting == waiter }
        }
        release.fire()
        try await holder.value
        for waiter in waiters {
            try await waiter.value
        }
        recorder.finish()

        #expect(await order.reduce(into: []) { $0.append($1) } == [1, 2, 3])
        #expect(await pool.statistics.open == 1)
        await pool.close()
    }

    @Test func waiterTimesOutWhenNoConnectionFreesUp() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1, acquireTimeout: .milliseconds(100)))
        let acquired = Signal()
        let release = Signal()
        let holder = Task {
            try await pool.withConnection { _ in
                acquired.fire()
                await release.wait()
            }
        }
        await acquired.wait()

        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }

        #expect(error?.code == .poolTimeout)
        #expect(await pool.statistics.waiting == 0)
        release.fire()
        try await holder.value
        #expect(try await pool.withConnection { try $0.query("SELECT 1").count } == 1)
        await pool.close()
    }

    @Test func connectionLeftInATransactionIsNotReused() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 2))

        try await pool.withConnection { try $0.executeScript("BEGIN; CREATE TEMP TABLE leftover (id int)") }

        #expect(await pool.statistics.open == 0)
        let leftover = try await pool.withConnection { try $0.query("SELECT to_regclass('pg_temp.leftover') IS NULL") }
        #expect(try leftover[0].decode(Bool.self, at: 0))
        await pool.close()
    }

    @Test func poolTransactionsCommitAndRollBack() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
        let table = TestEnvironment.uniqueName("pool_tx")
        try await pool.withConnection { try $0.executeScript("CREATE TEMP TABLE \(table) (id int)") }

        try await pool.withTransaction { try $0.execute("INSERT INTO \(table) VALUES (1)") }
        await #expect(throws: PostgresError.self) {
            try await pool.withTransaction { connection in
                try connection.execute("INSERT INTO \(table) VALUES (2)")
                try connection.execute("INSERT INTO \(table) VALUES ('two')")
            }
        }

        let count = try await pool.withConnection { try $0.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0) }
        #expect(count == 1)
        await pool.close()
    }

    @Test func sessionSettingsApplyToEveryConnectionThePoolOpens() async throws {
        let pool = PostgresPool(configuration: .init(
            url: TestDatabase.url(), maxConnections: 2, sessionSettings: ["synchronous_commit": "off", "application_name": "pool-test"]))
        let settings = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try await Task.sleep(for: .milliseconds(50))
                        return try connection.query("SELECT current_setting('synchronous_commit'), current_setting('application_name')")
                            .map { [try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)] }[0]
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(settings == [["off", "pool-test"], ["off", "pool-test"]])
        #expect(await pool.statistics.open == 2, "both connections were opened with the settings")
        await pool.close()
    }

    @Test func closeFailsWaitersAndLaterCalls() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
        let acquired = Signal()
        let release = Signal()
        let holder = Task {
            try await pool.withConnection { _ in
                acquired.fire()
                await release.wait()
            }
        }
        await acquired.wait()
        let waiter = Task { try await pool.withConnection { try $0.query("SELECT 1") } }
        try await waitUntil("the waiter to queue") { await pool.statistics.waiting == 1 }

        await pool.close()

        let waiterError = await #expect(throws: PostgresError.self) { try await waiter.value }
        #expect(waiterError?.code == .poolClosed)
        release.fire()
        try await holder.value
        #expect(await pool.statistics.open == 0)
        let laterError = await #expect(throws: PostgresError.self) { try await pool.withConnection { try $0.query("SELECT 1") } }
        #expect(laterError?.code == .poolClosed)
    }

    @Test func cancelledWaiterLeavesTheQueue() async throws {
        let pool = PostgresPool(configuration: .init(url: TestDatabase.url(), maxConnections: 1))
        let acquired = Signal()
        let release = Signal()
        let holder = Task {
            try await pool.withConnection { _ in
                acquired.fire()
                await release.wait()
            }
        }
        await acquired.wait()
        let waiter = Task { try await pool.withConnection { try $0.query("SELECT 1") } }
        try await waitUntil("the waiter to queue") { await pool.statistics.waiting == 1 }

        waiter.cancel()

        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await pool.statistics.waiting == 0)
        release.fire()
        try await holder.value
        #expect(await pool.statistics.inUse == 0)
        await pool.close()
    }
}
