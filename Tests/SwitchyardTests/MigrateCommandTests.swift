import Foundation
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// `switchyard migrate` as containers run it: as separate processes, at the same time.
@Suite(.timeLimit(.minutes(2))) struct MigrateCommandTests {
    static let migrations = TestEnvironment.repositoryRoot.appending(path: "migrations").path

    @Test func eightConcurrentProcessesOnAnEmptyDatabaseApplyEachFileOnce() async throws {
        try await withTemporaryDatabase { database in
            let environment = ["SWITCHYARD_DATABASE_URL": database.url, "SWITCHYARD_MIGRATIONS_DIR": Self.migrations]
            let processes = try (0..<8).map { _ in try SwitchyardProcess.start(["migrate"], environment: environment) }
            var appliedLines = 0
            for process in processes {
                let output = String(
                    decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "\(output)")
                appliedLines += output.split(separator: "\n").filter { $0.hasPrefix("applied ") }.count
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.migrations).filter { $0.hasSuffix(".sql") }
            #expect(appliedLines == files.count, "each file applied by exactly one process")

            let connection = try await PostgresConnection.connect(url: database.url)
            let recorded = try await connection.query("SELECT count(*), count(DISTINCT name) FROM schema_migrations")
            #expect(try recorded[0].decode(Int.self, at: 0) == files.count)
            #expect(try recorded[0].decode(Int.self, at: 1) == files.count)
            let tenants = try await connection.query("SELECT name FROM tenants")
            #expect(try tenants.map { try $0.decode(String.self, at: 0) } == ["default"])
            await connection.close()
            #expect(try await database.advisoryLockCount() == 0)
        }
    }

    @Test func runningTwiceIsANoOpAndAnEditedAppliedFileIsRefusedByName() async throws {
        try await withTemporaryDatabase { database in
            let folder = FileManager.default.temporaryDirectory.appending(path: TestEnvironment.uniqueName("migrations"))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appending(path: "0001_widgets.sql")
            try Data("CREATE TABLE widgets (id int PRIMARY KEY);".utf8).write(to: file)
            let environment = ["SWITCHYARD_DATABASE_URL": database.url, "SWITCHYARD_MIGRATIONS_DIR": folder.path]

            let first = try SwitchyardProcess.run(["migrate"], environment: environment)
            #expect(first.status == 0)
            #expect(first.standardOutput.contains("applied 0001_widgets.sql"))
            let second = try SwitchyardProcess.run(["migrate"], environment: environment)
            #expect(second.status == 0)
            #expect(second.standardOutput == "0 applied, 1 already applied\n")

            try Data("CREATE TABLE widgets (id bigint PRIMARY KEY);".utf8).write(to: file)
            let edited = try SwitchyardProcess.run(["migrate"], environment: environment)
            #expect(edited.status == 2)
            #expect(edited.standardError.contains("0001_widgets.sql"))
            #expect(edited.standardError.split(separator: "\n").count == 1)
        }
    }

    /// A folder that can't be used is a configuration error naming the setting that chose it.
    @Test func aBadMigrationsFolderNamesTheSettingThatChoseIt() throws {
        let missing = "/nonexistent/\(TestEnvironment.uniqueName("migrations"))"
        let database = ["SWITCHYARD_DATABASE_URL": "postgresql://switchyard@127.0.0.1:1/switchyard"]
        let fromVariable = try SwitchyardProcess.run(["migrate"], environment: database.merging(["SWITCHYARD_MIGRATIONS_DIR": missing]) { $1 })
        #expect(fromVariable.status == 2)
        #expect(fromVariable.standardError.contains("SWITCHYARD_MIGRATIONS_DIR: cannot read the migrations folder \(missing): no such folder"))
        #expect(fromVariable.standardError.split(separator: "\n").count == 1)
        let fromOption = try SwitchyardProcess.run(["migrate", "--directory", "/etc"], environment: database)
        #expect(fromOption.status == 2)
        #expect(fromOption.standardError.contains("--directory: the migrations folder /etc holds no NNNN_name.sql files"))
    }

    @Test func anUnreachableDatabaseIsAClearRuntimeErrorAndABadURLExitsTwo() throws {
        let down = try SwitchyardProcess.run(
            ["migrate"], environment: ["SWITCHYARD_DATABASE_URL": "postgresql://switchyard@127.0.0.1:1/switchyard"])
        #expect(down.status == 1)
        #expect(down.standardError.contains("127.0.0.1"))
        let bad = try SwitchyardProcess.run(["migrate"], environment: ["SWITCHYARD_DATABASE_URL": "mysql://db/x"])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("SWITCHYARD_DATABASE_URL"))
    }
}
