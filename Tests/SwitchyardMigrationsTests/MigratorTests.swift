// Migrator against real, fresh databases: once per file, under concurrency, refusing changed
// files and bad names, rolling back a failing file, and the real infrastructure migration.

import Foundation
import SwitchyardMigrations
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

@Suite struct MigratorTests {
    private static let widgets = [
        "0001_widgets.sql": "SELECT pg_sleep(0.2);\nCREATE TABLE widgets (id int PRIMARY KEY);\n",
        "0002_seed.sql": "INSERT INTO widgets VALUES (1);\n",
        "0003_gadgets.sql": "CREATE TABLE gadgets (id int);\n",
        "README.md": "Not a migration.\n",
    ]
    private static let widgetNames = ["0001_widgets.sql", "0002_seed.sql", "0003_gadgets.sql"]

    private func scalar<T: PostgresDecodable>(_ sql: String, _ parameters: [any PostgresEncodable] = [], on connection: PostgresConnection) async throws -> T {
        try await connection.query(sql, parameters)[0].decode(T.self, at: 0)
    }

    @Test func secondRunIsANoOp() async throws {
        try await withTemporaryDatabase { database in
            try await withMigrationsFolder(Self.widgets) { folder in
                let migrator = Migrator(directory: folder.url)

                let first = try await migrator.migrate(url: database.url)
                let second = try await migrator.migrate(url: database.url)

                #expect(first == Migrator.Report(applied: Self.widgetNames, skipped: []))
                #expect(second == Migrator.Report(applied: [], skipped: Self.widgetNames))
                let connection = try await PostgresConnection.connect(url: database.url)
                #expect(try await scalar("SELECT count(*) FROM widgets", on: connection) == 1)
                let seed = try Data(contentsOf: folder.url.appendingPathComponent("0002_seed.sql"))
                let checksumMatches: Bool = try await scalar(
                    "SELECT checksum = encode(sha256($1), 'hex') FROM schema_migrations WHERE name = '0002_seed.sql'",
                    [[UInt8](seed)],
                    on: connection
                )
                #expect(checksumMatches)
                await connection.close()
                #expect(try await database.advisoryLockCount() == 0)
            }
        }
    }

    @Test func concurrentRunsApplyEachFileExactlyOnce() async throws {
        try await withTemporaryDatabase { database in
            try await withMigrationsFolder(Self.widgets) { folder in
                let migrator = Migrator(directory: folder.url)
                let url = database.url

                let reports = try await withThrowingTaskGroup(of: Migrator.Report.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await migrator.migrate(url: url) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }

                #expect(reports.count == 8)
                #expect(reports.flatMap(\.applied).sorted() == Self.widgetNames)
                #expect(reports.allSatisfy { ($0.applied + $0.skipped).sorted() == Self.widgetNames })
                #expect(reports.filter { $0.applied.isEmpty }.count == 7)
                let connection = try await PostgresConnection.connect(url: database.url)
                #expect(try await scalar("SELECT count(*) FROM schema_migrations", on: connection) == 3)
                #expect(try await scalar("SELECT count(*) FROM widgets", on: connection) == 1)
                #expect(try await scalar("SELECT count(*) FROM pg_class WHERE relname = 'gadgets'", on: connection) == 1)
                await connection.close()
                #expect(try await database.advisoryLockCount() == 0)
            }
        }
    }

    @Test func changedAppliedFileIsRefusedBeforeAnythingFurther() async throws {
        try await withTemporaryDatabase { database in
            try await withMigrationsFolder(Self.widgets) { folder in
                let migrator = Migrator(directory: folder.url)
                _ = try await migrator.migrate(url: database.url)
                try folder.write("0002_seed.sql", "INSERT INTO widgets VALUES (2);\n")
                try folder.write("0004_later.sql", "CREATE TABLE later (id int);\n")

                let error = await #expect(throws: MigrationError.self) {
                    try await migrator.migrate(url: database.url)
                }

                #expect(error?.code == .checksumMismatch)
                #expect(error?.description.hasPrefix("migration 0002_seed.sql was changed after it was applied (checksum ") == true)
                let connection = try await PostgresConnection.connect(url: database.url)
                #expect(try await scalar("SELECT to_regclass('later') IS NULL", on: connection))
                #expect(try await scalar("SELECT count(*) FROM schema_migrations", on: connection) == 3)
                await connection.close()
                #expect(try await database.advisoryLockCount() == 0)
            }
        }
    }

    @Test func badFileNameIsRefusedBeforeTouchingTheDatabase() async throws {
        try await withTemporaryDatabase { database in
            var files = Self.widgets
            files["1_bad.sql"] = "CREATE TABLE bad (id int);\n"
            try await withMigrationsFolder(files) { folder in
                let error = await #expect(throws: MigrationError.self) {
                    try await Migrator(directory: folder.url).migrate(url: database.url)
                }

                #expect(error?.code == .invalidFileName)
                #expect(error?.message.contains("1_bad.sql") == true)
                let connection = try await PostgresConnection.connect(url: database.url)
                #expect(try await scalar("SELECT to_regclass('schema_migrations') IS NULL AND to_regclass('widgets') IS NULL", on: connection))
                await connection.close()
            }
        }
    }

    @Test(arguments: ["1_bad.sql", "00001_bad.sql", "0001-bad.sql", "0001_.sql", "0001_Bad.sql", "abcd_bad.sql", "0001_bad name.sql", ".0001_bad.sql"])
    func invalidNamesAreRejected(name: String) async throws {
        try await withMigrationsFolder(["0001_good.sql": "SELECT 1;", name: "SELECT 1;"]) { folder in
            let error = #expect(throws: MigrationError.self) {
                try Migration.load(from: folder.url)
            }
            #expect(error?.code == .invalidFileName)
            #expect(error?.message.contains(name) == true)
        }
    }

    @Test func sharedNumbersAreRejected() async throws {
        try await withMigrationsFolder(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"]) { folder in
            let error = #expect(throws: MigrationError.self) {
                try Migration.load(from: folder.url)
            }
            #expect(error?.code == .duplicateVersion)
            #expect(error?.message == "migrations 0001_a.sql and 0001_b.sql share the number 0001")
        }
    }

    @Test func missingFolderIsReported() throws {
        let path = "/nonexistent/\(TestEnvironment.uniqueName("migrations"))"
        let error = #expect(throws: MigrationError.self) {
            try Migration.load(from: URL(fileURLWithPath: path))
        }
        #expect(error?.code == .unusableFolder)
        #expect(error?.message == "cannot read the migrations folder \(path): no such folder")
    }

    @Test func aFileInPlaceOfTheFolderIsReported() throws {
        let error = #expect(throws: MigrationError.self) {
            try Migration.load(from: TestEnvironment.repositoryRoot.appendingPathComponent("migrations/0001_infrastructure.sql"))
        }
        #expect(error?.code == .unusableFolder)
        #expect(error?.message.hasSuffix("0001_infrastructure.sql: it is a file, not a folder") == true)
    }

    /// A wrong path (a folder of other files) must not report "0 applied" as if all were done.
    @Test func aFolderWithoutMigrationsIsReported() async throws {
        try await withMigrationsFolder(["README.md": "not a migration"]) { folder in
            let error = #expect(throws: MigrationError.self) {
                try Migration.load(from: folder.url)
            }
            #expect(error?.code == .unusableFolder)
            #expect(error?.message.contains("holds no NNNN_name.sql files") == true)
        }
    }

    @Test func failingMigrationLeavesNothingBehind() async throws {
        try await withTemporaryDatabase { database in
            let files = [
                "0001_widgets.sql": "CREATE TABLE widgets (id int);\n",
                "0002_half.sql": "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\nSELECT no_such_function();\n",
                "0003_after.sql": "CREATE TABLE after (id int);\n",
            ]
            try await withMigrationsFolder(files) { folder in
                let migrator = Migrator(directory: folder.url)

                let error = await #expect(throws: MigrationError.self) {
                    try await migrator.migrate(url: database.url)
                }

                #expect(error?.code == .migrationFailed)
                #expect(error?.message.hasPrefix("migration 0002_half.sql failed: SQLSTATE 42883: function no_such_function() does not exist") == true)
                #expect(error?.underlying?.sqlState == "42883")
                let connection = try await PostgresConnection.connect(url: database.url)
                #expect(try await scalar("SELECT to_regclass('half') IS NULL AND to_regclass('after') IS NULL AND to_regclass('widgets') IS NOT NULL", on: connection))
                #expect(try await scalar("SELECT string_agg(name, ',') FROM schema_migrations", on: connection) == "0001_widgets.sql")
                #expect(try await database.advisoryLockCount() == 0)

                try folder.write("0002_half.sql", "CREATE TABLE half (id int);\n")
                let retry = try await migrator.migrate(url: database.url)
                #expect(retry == Migrator.Report(applied: ["0002_half.sql", "0003_after.sql"], skipped: ["0001_widgets.sql"]))
                await connection.close()
            }
        }
    }

    /// The file and its `schema_migrations` row commit together: when recording fails (here the
    /// file itself took the row's name), the file's work is rolled back too.
    @Test func fileAndRecordCommitTogether() async throws {
        try await withTemporaryDatabase { database in
            let files = [
                "0001_sneaky.sql": "CREATE TABLE sneaky (id int);\nCREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());\nINSERT INTO schema_migrations (name, checksum) VALUES ('0001_sneaky.sql', 'forged');\n",
            ]
            try await withMigrationsFolder(files) { folder in
                let error = await #expect(throws: MigrationError.self) {
                    try await Migrator(directory: folder.url).migrate(url: database.url)
                }

                #expect(error?.underlying?.sqlState == "23505")
                let connection = try await PostgresConnection.connect(url: database.url)
                #expect(try await scalar("SELECT to_regclass('sneaky') IS NULL", on: connection))
                #expect(try await scalar("SELECT count(*) FROM schema_migrations", on: connection) == 0)
                await connection.close()
            }
        }
    }

    @Test func infrastructureMigrationAppliesCleanly() async throws {
        try await withTemporaryDatabase { database in
            let migrator = Migrator(directory: TestEnvironment.repositoryRoot.appendingPathComponent("migrations"))

            let report = try await migrator.migrate(url: database.url)

            #expect(report.applied.first == "0001_infrastructure.sql")
            #expect(try await migrator.migrate(url: database.url).applied.isEmpty)
            let connection = try await PostgresConnection.connect(url: database.url)
            for table in ["tenants", "api_keys", "inbox", "outbox", "dead_letters", "schema_migrations"] {
                #expect(try await scalar("SELECT to_regclass($1) IS NOT NULL", [table], on: connection), "table \(table)")
            }
            let defaultTenant = try await connection.query("SELECT name FROM tenants WHERE id = $1", [UUID(uuidString: "00000000-0000-0000-0000-000000000000")!])
            #expect(try defaultTenant.map { try $0.decode(String.self, at: 0) } == ["default"])
            let pendingIndex: String = try await scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'outbox_pending'", on: connection)
            #expect(pendingIndex.hasSuffix("WHERE (published_at IS NULL)"))

            let keyHash = [UInt8](repeating: 0xab, count: 32)
            try await connection.execute(
                "INSERT INTO api_keys (tenant_id, key_hash, prefix) SELECT id, $1, 'sy_live' FROM tenants WHERE name = 'default'",
                [keyHash]
            )
            let foreignKey = await #expect(throws: PostgresError.self) {
                try await connection.execute("INSERT INTO api_keys (tenant_id, key_hash, prefix) VALUES ($1, $2, 'x')", [UUID(), [UInt8](repeating: 1, count: 32)])
            }
            #expect(foreignKey?.sqlState == "23503")
            let outboxID: Int = try await scalar(
                "INSERT INTO outbox (exchange, routing_key, message_id, body) VALUES ('sy.events', 'plan.requested', $1, $2) RETURNING id",
                [UUID().uuidString, Array("{}".utf8)],
                on: connection
            )
            #expect(outboxID == 1)
            try await connection.execute(
                "INSERT INTO dead_letters (archive_key, origin_queue, reason, body) VALUES ('k1', 'sy.work.analysis', 'worker', $1)",
                [[UInt8]()]
            )
            let duplicate = await #expect(throws: PostgresError.self) {
                try await connection.execute("INSERT INTO dead_letters (archive_key, origin_queue, reason, body) VALUES ('k1', 'q', 'expired', '')")
            }
            #expect(duplicate?.sqlState == "23505")
            await connection.close()
        }
    }
}
