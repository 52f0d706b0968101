// Running a helper program to its end with its output captured, for tests that drive one.

public import Foundation

/// Runs `executable` with `arguments` (in `directory` when given, with `environment` added to
/// this process's) and waits for it.
/// - Returns: Its exit status and its output, standard output and errors together.
public func runCapturingOutput(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}

/// Runs the tests' Python (`SWITCHYARD_TEST_PYTHON`, which scripts/test points at a virtualenv
/// with the oracles' packages; else `python3`) with `arguments`, as
/// ``runCapturingOutput(_:_:in:environment:)``.
public func runTestPython(
    _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
) throws -> (status: Int32, output: String) {
    let python = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_PYTHON"] ?? "python3"
    return try runCapturingOutput(URL(filePath: "/usr/bin/env"), [python] + arguments, in: directory, environment: environment)
}
