// Real speech for the tests: WAV files made at test time by espeak-ng.

import Foundation
import Testing

/// Runs `espeak-ng` (Debian package `espeak-ng`, which `scripts/test` installs) to write speech
/// to a WAV file and returns the file's bytes.
enum Speech {
    /// `espeak-ng ARGUMENTS -w FILE TEXT`: 16-bit mono PCM at 22050 Hz.
    /// - Parameters:
    ///   - text: What to say.
    ///   - arguments: Options before the text, e.g. `["-g", "60"]` for 600 ms between words.
    /// - Throws: When espeak-ng is missing or fails, saying so.
    static func espeak(_ text: String, arguments: [String] = []) async throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchyard-speech-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: "speech.wav")
        let (status, output, bytes) = try await offThePool { () throws -> (Int32, String, [UInt8]?) in
            let process = Process()
            process.executableURL = URL(filePath: "/usr/bin/env")
            process.arguments = ["espeak-ng"] + arguments + ["-w", file.path, text]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self), try? Array(Data(contentsOf: file)))
        }
        try #require(status == 0, "espeak-ng failed (exit \(status); scripts/test installs it, or apt-get install espeak-ng): \(output)")
        return try #require(bytes, "espeak-ng wrote no file")
    }

    /// Runs blocking work (a child process, file reads) on a thread of its own.
    private static func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
