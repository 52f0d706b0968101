// Runs the built `switchyard` executable, as operators and containers do.

public import Foundation

/// The outcome of one `switchyard` run.
public struct ProcessOutcome: Sendable {
    /// The exit status.
    public var status: Int32
    /// What it printed on stdout.
    public var standardOutput: String
    /// What it printed on stderr.
    public var standardError: String
}

/// Starts the `switchyard` binary that `swift build` put beside the test bundle.
public enum SwitchyardProcess {
    /// The built executable.
    public static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "switchyard")
    }

    /// Runs `switchyard ARGUMENTS` in the repository root and waits for it.
    /// - Parameters:
    ///   - arguments: The command line after `switchyard`.
    ///   - environment: Variables set on top of the test process's environment.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
        try run(executable: executable, arguments, environment: environment)
    }

    /// Runs any program in the repository root and waits for it, reading its stdout and
    /// stderr at the same time.
    /// - Parameters:
    ///   - executable: The program.
    ///   - arguments: Its command line.
    ///   - environment: Variables set on top of the test process's environment.
    public static func run(executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
        let process = try start(executable: executable, arguments, environment: environment)
        let output = process.standardOutput as! Pipe
        let error = process.standardError as! Pipe
        // Both pipes are read at once: a child that fills one (64 KiB) while the other is being
        // read to its end would otherwise block forever, and so would this call.
        let errorData = PipeReader(error.fileHandleForReading)
        let outputText = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errorData.wait(), as: UTF8.self)
        process.waitUntilExit()
        return ProcessOutcome(status: process.terminationStatus, standardOutput: outputText, standardError: errorText)
    }

    /// Starts `switchyard ARGUMENTS` without waiting; stdout and stderr are pipes.
    public static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        try start(executable: executable, arguments, environment: environment)
    }

    private static func start(executable: URL, _ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = TestEnvironment.repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    // `data` is written once by the reading thread before `done` is signalled and read only after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe carried, once the writer closed it.
    func wait() -> Data {
        done.wait()
        return data
    }
}
