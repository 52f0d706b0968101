// A whole file (or standard input) read up to a limit, for configuration files and commands.

import Glibc

/// Reads a file whole, or standard input, but never more than a limit: `/dev/zero`, a pipe that
/// never ends or a file larger than the caller can use is refused with a sentence instead of
/// filling memory. The read blocks the calling thread: a caller on Swift's cooperative pool runs
/// it on a thread of its own (`NamedThread.result`).
public enum InputFile {
    /// The file's bytes.
    /// - Parameters:
    ///   - path: The file; `-` means standard input.
    ///   - limit: The most bytes the caller accepts.
    /// - Throws: ``InputFileError`` saying why: no such file, permission, a folder, or more
    ///   than `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(InputFileError) -> [UInt8] {
        if path == "-" { return try readAll(from: STDIN_FILENO, source: "standard input", limit: limit) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InputFileError(path: path, reason: reason(errno)) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw InputFileError(path: path, reason: .folder)
        }
        return try readAll(from: descriptor, source: path, limit: limit)
    }

    private static func readAll(from descriptor: Int32, source: String, limit: Int) throws(InputFileError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: source, reason: reason(errno))
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else {
                throw InputFileError(path: source, reason: .tooLarge(limit: limit))
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    private static func reason(_ code: Int32) -> InputFileError.Reason {
        switch code {
        case ENOENT: .missing
        case EACCES, EPERM: .denied
        case EISDIR: .folder
        default: .system(String(cString: strerror(code)).lowercased())
        }
    }
}

/// Why ``InputFile`` could not read a file: its path (or "standard input") and the reason.
public struct InputFileError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// No file at the path.
        case missing
        /// The process may not read it.
        case denied
        /// The path names a folder.
        case folder
        /// It holds more bytes than the caller accepts.
        case tooLarge(limit: Int)
        /// Another failure, as the system words it.
        case system(String)
    }

    /// The file, or "standard input".
    public var path: String
    /// What went wrong.
    public var reason: Reason

    public var description: String {
        let predicate = switch reason {
        case .missing: "no such file"
        case .denied: "permission denied"
        case .folder: "is a folder, not a file"
        case .tooLarge(let limit): "holds more than \(limit) bytes, the most accepted here"
        case .system(let text): text
        }
        return path == "standard input" ? "standard input: \(predicate)" : "\(path): \(predicate)"
    }
}
