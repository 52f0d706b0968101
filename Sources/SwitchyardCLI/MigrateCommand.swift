// `switchyard migrate`: apply migrations/NNNN_name.sql in order, each once.

import ArgumentParser

/// Applies pending migrations under an advisory lock.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply migrations/NNNN_name.sql in order, each exactly once.")

    func run() async throws {}
}
