// A fresh database per test, dropped afterwards.

import Foundation
public import SwitchyardPostgres
import Testing

/// A database created for one test: its name and URL, and an admin connection to the test
/// database for looking at it from outside.
public struct TemporaryDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// Its libpq URL.
    public let url: String
    /// A connection to the main test database, for looking at this one from outside.
    public let admin: PostgresConnection

    /// How many advisory locks are held in this database.
    public func advisoryLockCount() async throws -> Int {
        try await admin.query(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1",
            [name]
        )[0].decode(Int.self, at: 0)
    }
}

/// Creates a database with a unique name, runs `body`, and drops the database.
public func withTemporaryDatabase<T>(_ body: (TemporaryDatabase) async throws -> T) async throws -> T {
    let admin: PostgresConnection
    do {
        admin = try await PostgresConnection.connect(url: TestEnvironment.databaseURL)
    } catch {
        Issue.record("cannot reach Postgres at \(TestEnvironment.databaseURL): \(error); \(TestEnvironment.startHint)")
        throw error
    }
    let name = TestEnvironment.uniqueName("sy_migrations")
    var components = try #require(URLComponents(string: TestEnvironment.databaseURL))
    components.path = "/\(name)"
    let url = try #require(components.string)
    try await admin.executeScript("CREATE DATABASE \(name)")
    let database = TemporaryDatabase(name: name, url: url, admin: admin)
    do {
        let value = try await body(database)
        await admin.close()
        try await drop(name)
        return value
    } catch {
        await admin.close()
        try? await drop(name)
        throw error
    }
}

/// Drops a test database over a new connection (the body may have restarted the server).
private func drop(_ name: String) async throws {
    let connection = try await PostgresConnection.connect(url: TestEnvironment.databaseURL)
    do {
        try await connection.executeScript("DROP DATABASE \(name) WITH (FORCE)")
    } catch {
        await connection.close()
        throw error
    }
    await connection.close()
}

