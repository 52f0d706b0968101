// Applies the migrations folder to a database: once per file, in order, under an advisory
// lock, each file together with its schema_migrations row in one transaction.

public import Foundation
public import SwitchyardPostgres

/// Applies `NNNN_name.sql` files from a folder, in order, each exactly once.
///
/// Safe to run from many processes at once (every container runs it at start-up): it takes a
/// session-level `pg_advisory_lock` on ``lockKey`` on its own connection first, and only then
/// creates `schema_migrations` if needed and reads what was applied. Each pending file runs
/// in one transaction together with the `INSERT` that records its name and SHA-256, so a file
/// that fails leaves nothing behind. A file that was applied and has changed since is refused
/// before anything further is applied.
///
/// Files run inside that transaction, so they must not contain `BEGIN`/`COMMIT` or statements
/// that cannot run in a transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
///
/// ```swift
/// let report = try await Migrator(directory: URL(fileURLWithPath: "migrations")).migrate(url: databaseURL)
/// ```
public struct Migrator: Sendable {
    /// What one run did.
    public struct Report: Sendable, Equatable {
        /// The files this run applied, in order.
        public var applied: [String] = []
        /// The files that were already applied (with an unchanged checksum).
        public var skipped: [String] = []

        /// Creates a report.
        /// - Parameters:
        ///   - applied: The files applied, in order.
        ///   - skipped: The files already applied.
        public init(applied: [String] = [], skipped: [String] = []) {
            self.applied = applied
            self.skipped = skipped
        }
    }

    /// The `pg_advisory_lock` key that serialises migrators on a database.
    public static let lockKey: Int64 = 0x5377_6974_6368_7964

    private static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            name text PRIMARY KEY,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// The migrations folder.
    public let directory: URL

    /// Creates a migrator for a folder.
    /// - Parameter directory: The folder holding the `NNNN_name.sql` files.
    public init(directory: URL) {
        self.directory = directory
    }

    /// Reads the folder, then connects, migrates and closes the connection: a folder that
    /// can't be used is reported without a database.
    /// - Parameter url: A libpq connection string for the database to migrate.
    /// - Returns: What was applied and what was already there.
    /// - Throws: ``MigrationError`` as ``migrate(on:)``; ``PostgresError`` when connecting fails.
    public func migrate(url: String) async throws -> Report {
        let migrations = try Migration.load(from: directory)
        let connection = try await PostgresConnection.connect(url: url)
        do {
            let report = try await migrate(migrations, on: connection)
            await connection.close()
            return report
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Migrates over a connection of the caller's, which must not be shared while this runs
    /// (the advisory lock belongs to its session). The lock is released at the end, also when
    /// migrating fails.
    /// - Parameter connection: A dedicated connection, outside any transaction.
    /// - Returns: What was applied and what was already there.
    /// - Throws: ``MigrationError``: for the folder's files (see ``Migration/load(from:)``),
    ///   ``MigrationError/Code/checksumMismatch`` for an applied file that changed,
    ///   ``MigrationError/Code/migrationFailed`` for a file the server rejected;
    ///   ``PostgresError`` when the connection fails.
    public func migrate(on connection: PostgresConnection) async throws -> Report {
        try await migrate(try Migration.load(from: directory), on: connection)
    }

    /// Applies `migrations` under the advisory lock, released at the end also on failure.
    private func migrate(_ migrations: [Migration], on connection: PostgresConnection) async throws -> Report {
        try await connection.execute("SELECT pg_advisory_lock($1)", [Self.lockKey])
        do {
            let report = try await apply(migrations, on: connection)
            try await connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            return report
        } catch {
            _ = try? await connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            throw error
        }
    }

    /// Checks the applied files' checksums, then applies the rest; runs under the lock.
    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> Report {
        try await connection.executeScript(Self.createTable)
        var recorded: [String: String] = [:]
        for row in try await connection.query("SELECT name, checksum FROM schema_migrations") {
            recorded[try row.decode(String.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        for migration in migrations {
            if let checksum = recorded[migration.name], checksum != migration.checksum {
                throw MigrationError(
                    .checksumMismatch,
                    "migration \(migration.name) was changed after it was applied (checksum \(checksum) recorded, \(migration.checksum) now)"
                )
            }
        }
        var report = Report()
        for migration in migrations {
            guard recorded[migration.name] == nil else {
                report.skipped.append(migration.name)
                continue
            }
            do {
                try await connection.withTransaction { connection in
                    try connection.executeScript(migration.sql)
                    try connection.execute(
                        "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                        [migration.name, migration.checksum]
                    )
                }
            } catch let error as PostgresError {
                throw MigrationError(.migrationFailed, "migration \(migration.name) failed: \(error)", underlying: error)
            }
            report.applied.append(migration.name)
        }
        return report
    }
}
