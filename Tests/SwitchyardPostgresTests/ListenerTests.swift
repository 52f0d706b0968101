// PostgresListener: a NOTIFY sent after listen() arrives with its payload; closing ends the
// stream and the listener's connection.

import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct ListenerTests {
    @Test func notificationArrivesWithItsPayload() async throws {
        let channel = "Jobs \(TestEnvironment.uniqueName("channel"))"
        let listener = try await PostgresListener.listen(url: TestDatabase.url(), channels: [channel])
        let sender = try await TestDatabase.connect()
        let senderPID = try await sender.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0)

        try await sender.execute("SELECT pg_notify($1, $2)", ["other channel", "not for us"])
        try await sender.execute("SELECT pg_notify($1, $2)", [channel, "payload ✓ 1"])
        let notification = try await withDeadline("the notification") {
            var iterator = listener.notifications.makeAsyncIterator()
            return try await iterator.next()
        }

        #expect(notification == PostgresNotification(channel: channel, payload: "payload ✓ 1", processID: senderPID))
        await listener.close()
        await sender.close()
    }

    @Test func closeEndsTheStreamAndTheConnection() async throws {
        let name = TestEnvironment.uniqueName("listener")
        let listener = try await PostgresListener.listen(url: TestDatabase.url(applicationName: name), channels: [name])
        let observer = try await TestDatabase.connect()
        #expect(try await TestDatabase.backendCount(applicationName: name, on: observer) == 1)
        let consumer = Task {
            var received = 0
            for try await _ in listener.notifications { received += 1 }
            return received
        }

        await listener.close()

        #expect(try await withDeadline("the stream to end") { try await consumer.value } == 0)
        try await waitUntil("the listener's backend to end") {
            try await TestDatabase.backendCount(applicationName: name, on: observer) == 0
        }
        await observer.close()
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        let name = TestEnvironment.uniqueName("listener")
        let listener = try await PostgresListener.listen(url: TestDatabase.url(applicationName: name), channels: [name])
        let observer = try await TestDatabase.connect()
        let consumer = Task {
            for try await _ in listener.notifications {}
        }

        consumer.cancel()

        try await waitUntil("the listener's backend to end") {
            try await TestDatabase.backendCount(applicationName: name, on: observer) == 0
        }
        await observer.close()
    }

    @Test func lostConnectionFinishesTheStreamWithAnError() async throws {
        let name = TestEnvironment.uniqueName("listener")
        let listener = try await PostgresListener.listen(url: TestDatabase.url(applicationName: name), channels: [name])
        let admin = try await TestDatabase.connect()

        try await admin.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1", [name])
        let error = await #expect(throws: PostgresError.self) {
            try await withDeadline("the stream to fail") {
                for try await _ in listener.notifications {}
            }
        }

        #expect(error?.code == .connectionClosed)
        await admin.close()
    }
}
