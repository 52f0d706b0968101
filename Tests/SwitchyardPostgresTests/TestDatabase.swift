// How the suites reach the test database, and waiting for a condition with a deadline.

import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// The test database of `TestEnvironment`, with the helpers every suite uses.
enum TestDatabase {
    /// The database URL, tagged with an `application_name` so a test can find its own backends
    /// in `pg_stat_activity`.
    static func url(applicationName: String? = nil) -> String {
        let base = TestEnvironment.databaseURL
        guard let applicationName else { return base }
        guard base.hasPrefix("postgres") else { return "\(base) application_name=\(applicationName)" }
        return base + (base.contains("?") ? "&" : "?") + "application_name=\(applicationName)"
    }

    /// A new connection, or a recorded issue saying how to start the server.
    static func connect(applicationName: String? = nil) async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(url: url(applicationName: applicationName))
        } catch {
            Issue.record("cannot reach Postgres at \(TestEnvironment.databaseURL): \(error); \(TestEnvironment.startHint)")
            throw error
        }
    }

    /// How many backends with this `application_name` are connected (and, if `state` is
    /// given, in that state).
    static func backendCount(applicationName: String, state: String? = nil, on connection: PostgresConnection) async throws -> Int {
        try await connection.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2)",
            [applicationName, state]
        )[0].decode(Int.self, at: 0)
    }
}

/// A condition that did not hold before its deadline.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Checks `condition` every 10 ms until it holds, failing after `timeout`.
func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(10),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw DeadlineExceeded(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Runs `operation`, failing with ``DeadlineExceeded`` if it has not finished after `timeout`.
func withDeadline<T: Sendable>(
    _ what: String,
    timeout: Duration = .seconds(10),
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next()
        group.cancelAll()
        guard let value = first ?? nil else { throw DeadlineExceeded(what: what) }
        return value
    }
}
