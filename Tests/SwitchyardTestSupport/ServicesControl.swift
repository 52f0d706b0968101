// Drives `scripts/services` from tests that need a broker outage.

import Foundation

/// Runs `scripts/services` subcommands, e.g. to stop and start the broker mid-test.
public enum ServicesControl {
    /// Runs `scripts/services ARGS...` and waits for it.
    /// - Throws: When it exits non-zero; the message holds its output.
    public static func run(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = TestEnvironment.repositoryRoot.appending(path: "scripts/services")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServicesControlError(message: "scripts/services \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
    }
}

/// A `scripts/services` command failed.
public struct ServicesControlError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
