// A temporary migrations folder per test, removed afterwards.

import Foundation
import SwitchyardTestSupport

/// A temporary folder of migration files.
struct MigrationsFolder {
    let url: URL

    /// Writes (or overwrites) a file.
    func write(_ name: String, _ contents: String) throws {
        try Data(contents.utf8).write(to: url.appendingPathComponent(name))
    }
}

/// Creates a folder holding `files`, runs `body`, and removes the folder.
func withMigrationsFolder<T>(_ files: [String: String], _ body: (MigrationsFolder) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.uniqueName("migrations"))
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    let folder = MigrationsFolder(url: url)
    for (name, contents) in files {
        try folder.write(name, contents)
    }
    return try await body(folder)
}
