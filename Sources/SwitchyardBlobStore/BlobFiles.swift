// The POSIX calls of the file store: atomic replacement, reads, folders, symbolic links resolved.

import Foundation
import Glibc

/// The file-system calls ``FileBlobStore`` makes, each failure turned into a
/// ``BlobStoreError`` that names the path and the key. They block: call them only on the
/// store's own thread.
enum BlobFiles {
    /// Replaces the file at `path` with `bytes`: written to a new temporary file in the same
    /// folder, flushed to disk, then renamed over `path` (atomic on POSIX file systems). The
    /// temporary file is removed if anything fails.
    static func replace(_ path: String, with bytes: [UInt8], key: BlobKey) throws(BlobStoreError) {
        let temporary = path + FileBlobStore.temporaryInfix + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw .system(errno, "creating \(temporary)", key: key)
        }
        var renamed = false
        defer {
            if !renamed {
                unlink(temporary)
            }
        }
        let failure = writeAll(bytes, to: descriptor) ?? (fsync(descriptor) == 0 ? nil : ("flushing", errno))
        close(descriptor)
        if let (action, number) = failure {
            throw .system(number, "\(action) \(temporary)", key: key)
        }
        guard rename(temporary, path) == 0 else {
            throw .system(errno, "renaming \(temporary) to \(path)", key: key)
        }
        renamed = true
    }

    /// Removes the file at `path`, if there is one.
    static func remove(_ path: String, key: BlobKey) throws(BlobStoreError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .system(errno, "removing \(path)", key: key)
        }
    }

    /// Throws if a folder (of other keys) is at `path`, where a blob is to be written.
    static func refuseFolder(at path: String, key: BlobKey) throws(BlobStoreError) {
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw .system(EISDIR, "writing \(path)", key: key)
        }
    }

    /// Flushes a folder's entries (the renames in it) to disk.
    static func synchronizeFolder(_ path: String, key: BlobKey) throws(BlobStoreError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .system(errno, "opening folder \(path)", key: key)
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw .system(errno, "flushing folder \(path)", key: key)
        }
    }

    /// The bytes of the regular file at `path`, never through a symbolic link; `nil` when there
    /// is no such file or it is a folder.
    static func read(_ path: String, key: BlobKey) throws(BlobStoreError) -> [UInt8]? {
        guard let (descriptor, size) = try openRegularFile(path, key: key) else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        var failure: Int32?
        bytes.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let count = Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0, errno == EINTR {
                    continue
                }
                guard count > 0 else {
                    failure = count < 0 ? errno : nil
                    return
                }
                filled += count
            }
        }
        if let failure {
            throw .system(failure, "reading \(path)", key: key)
        }
        // A file is replaced by rename, never rewritten in place, so it doesn't shrink while
        // open; should it anyway, what was read is what there is.
        return filled == size ? bytes : Array(bytes.prefix(filled))
    }

    /// The size of the regular file at `path`, never through a symbolic link; `nil` when there
    /// is no such file or it is a folder.
    static func size(of path: String, key: BlobKey) throws(BlobStoreError) -> Int? {
        guard let (descriptor, size) = try openRegularFile(path, key: key) else { return nil }
        close(descriptor)
        return size
    }

    /// Creates the folder `path` unless it exists (its parent must exist).
    static func makeFolder(_ path: String, key: BlobKey?) throws(BlobStoreError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw .system(errno, "creating folder \(path)", key: key)
        }
    }

    /// `path` with every symbolic link resolved (`realpath`); `nil` when it doesn't exist or
    /// passes through a file.
    static func resolve(_ path: String, key: BlobKey?) throws(BlobStoreError) -> String? {
        guard let resolved = realpath(path, nil) else {
            if errno == ENOENT || errno == ENOTDIR {
                return nil
            }
            throw .system(errno, "resolving \(path)", key: key)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Opens the regular file at `path` for reading, not following a symbolic link; `nil` when
    /// there is none (or a folder is there).
    private static func openRegularFile(_ path: String, key: BlobKey) throws(BlobStoreError) -> (Int32, Int)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR {
                return nil
            }
            throw .system(errno, "opening \(path)", key: key)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let number = errno
            close(descriptor)
            throw .system(number, "reading the status of \(path)", key: key)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            return nil
        }
        return (descriptor, Int(status.st_size))
    }

    /// Writes all of `bytes`; the failed step and `errno` if it fails.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> (String, Int32)? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR {
                        continue
                    }
                    return ("writing", errno)
                }
                offset += count
            }
            return nil
        }
    }
}
