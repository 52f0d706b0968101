// `switchyard migrate`: apply migrations/NNNN_name.sql in order, each once.

import ArgumentParser
import Foundation
import Switchyard
import SwitchyardMigrations

/// Applies pending migrations under an advisory lock, so that many containers starting at once
/// apply each file exactly once.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply migrations/NNNN_name.sql in order, each exactly once.")

    @Option(name: .customLong("database-url"), help: "The database (default: SWITCHYARD_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("directory"), help: "The migrations folder (default: SWITCHYARD_MIGRATIONS_DIR or migrations).")
    var directory: String?

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        if let databaseURL { environment["SWITCHYARD_DATABASE_URL"] = databaseURL }
        if let directory { environment["SWITCHYARD_MIGRATIONS_DIR"] = directory }
        let configuration = try SwitchyardConfiguration(environment: environment)
        let migrator = Migrator(directory: URL(fileURLWithPath: configuration.migrationsDirectory))
        let report: Migrator.Report
        do {
            report = try await migrator.migrate(url: configuration.databaseURL)
        } catch let error as MigrationError where error.code == .unusableFolder {
            throw CommandFailure(message: "\(folderSetting(environment)): \(error.description)", exitCode: 2)
        } catch let error as MigrationError where error.code != .migrationFailed {
            throw CommandFailure(message: error.description, exitCode: 2)
        } catch {
            throw CommandFailure(message: "\(error)")
        }
        for name in report.applied { print("applied \(name)") }
        print("\(report.applied.count) applied, \(report.skipped.count) already applied")
    }

    /// The setting that chose the migrations folder, for an error about the folder.
    private func folderSetting(_ environment: [String: String]) -> String {
        if directory != nil { return "--directory" }
        if environment["SWITCHYARD_MIGRATIONS_DIR"] != nil { return "SWITCHYARD_MIGRATIONS_DIR" }
        return "the default folder (set SWITCHYARD_MIGRATIONS_DIR or --directory)"
    }
}
