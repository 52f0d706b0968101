// Blobs as files under one folder, replaced atomically, every file call on the store's own thread.

import Foundation
import SwitchyardConcurrency

/// A ``BlobStore`` in a folder: the key `generations/7f3a/slides/0.png` is the file of that
/// relative path. Its content type is the one its name's extension stands for (`png`, `jpg`,
/// `jpeg`, `webp`, `gif`, `json`), unless a JSON file beside it, the name with `~meta`
/// appended, says otherwise: that file is written only for a type the name doesn't imply, so a
/// slide costs one file and one flush, not two. A blob with neither is
/// `application/octet-stream`.
///
/// Writes are atomic: the bytes go to a temporary file in the same folder (named with `~tmp-`,
/// which no key can contain), are flushed to disk, and renamed over the old file, so a reader,
/// in this process or another, sees the old blob or the new one and never a part. The content
/// type is written the same way just before (or an earlier `~meta` file removed), so a crash in
/// between leaves at worst the new type with the old bytes.
///
/// Every key passes the ``BlobKey`` rules before any file is touched, each folder a key uses is
/// checked, with symbolic links resolved, to lie inside the store's folder, and the blob file
/// itself is never opened through a symbolic link: no key reaches a file outside the folder.
///
/// File calls block, so the store is an actor bound to its own ``ThreadExecutor``: they run on
/// that thread, one at a time, never on Swift's cooperative thread pool. The folder is created,
/// with its parents, on the first write.
public actor FileBlobStore: BlobStore {
    /// The suffix of a blob's metadata file (its content type).
    static let metadataSuffix = "~meta"
    /// The infix of a temporary file, followed by random hex digits.
    static let temporaryInfix = "~tmp-"

    /// The store's folder, as an absolute path.
    public nonisolated let root: String
    private let executor: ThreadExecutor

    /// Runs every method of the store on its own thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// `file://` and the folder.
    public nonisolated var description: String {
        "file://\(root)"
    }

    /// Creates a store; nothing is read or created until the first call.
    /// - Parameter root: The folder: an absolute path, or one relative to the current directory.
    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        executor = ThreadExecutor(name: "blob-files")
    }

    deinit {
        executor.shutdown()
    }

    /// Writes `bytes` and `contentType` under `key` atomically, creating the folders the key
    /// names (and the store's folder).
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey`` and
    ///   ``BlobStoreError/Code/invalidContentType`` before any I/O; ``BlobStoreError/Code/refused``
    ///   when the folder may not be written, or the key collides with a folder of other keys (or
    ///   one of its folders with a blob); ``BlobStoreError/Code/io`` for other file-system failures.
    public func put(_ key: String, _ bytes: [UInt8], contentType: String) throws(BlobStoreError) {
        let key = try BlobKey(key)
        let contentType = try BlobContentType.validated(contentType)
        guard let folder = try folder(of: key, creating: true) else {
            throw BlobStoreError(.io, "the folder for key \(key) vanished while it was being written")
        }
        let name = Self.name(of: key)
        // Refused before the metadata is written, so a refused put leaves nothing behind.
        try BlobFiles.refuseFolder(at: folder + "/" + name, key: key)
        let metadataPath = folder + "/" + name + Self.metadataSuffix
        if BlobContentType.implied(byName: name) == contentType {
            try BlobFiles.remove(metadataPath, key: key)
        } else {
            try BlobFiles.replace(metadataPath, with: FileBlobMetadata(contentType: contentType).encoded(), key: key)
        }
        try BlobFiles.replace(folder + "/" + name, with: bytes, key: key)
        try BlobFiles.synchronizeFolder(folder, key: key)
    }

    /// Reads the blob under `key`; its content type is `application/octet-stream` when its
    /// metadata file is missing or not the JSON the store writes.
    /// - Returns: The blob, or `nil` when there is no file for the key (or only a folder).
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey`` before any I/O;
    ///   ``BlobStoreError/Code/refused`` for a file the process may not read or a symbolic link;
    ///   ``BlobStoreError/Code/io`` for other file-system failures.
    public func get(_ key: String) throws(BlobStoreError) -> Blob? {
        let key = try BlobKey(key)
        guard let folder = try folder(of: key, creating: false),
              let bytes = try BlobFiles.read(folder + "/" + Self.name(of: key), key: key)
        else { return nil }
        return Blob(bytes: bytes, contentType: try contentType(in: folder, of: key))
    }

    /// The size and content type of the blob under `key`, without reading its bytes.
    /// - Returns: What the store knows of the blob, or `nil` when there is no file for the key.
    /// - Throws: ``BlobStoreError``, as ``get(_:)``.
    public func head(_ key: String) throws(BlobStoreError) -> BlobInfo? {
        let key = try BlobKey(key)
        guard let folder = try folder(of: key, creating: false),
              let size = try BlobFiles.size(of: folder + "/" + Self.name(of: key), key: key)
        else { return nil }
        return BlobInfo(size: size, contentType: try contentType(in: folder, of: key))
    }

    /// The folder that holds `key`'s file, symbolic links resolved; `nil` when it doesn't exist
    /// and `creating` is false. Each level is resolved and checked to lie inside the store's
    /// folder before the next is created in it, so no folder is ever made outside.
    private func folder(of key: BlobKey, creating: Bool) throws(BlobStoreError) -> String? {
        guard let root = try resolveRoot(creating: creating) else { return nil }
        var folder = root
        for segment in key.segments.dropLast() {
            let path = folder + "/" + segment
            if creating {
                try BlobFiles.makeFolder(path, key: key)
            }
            guard let resolved = try BlobFiles.resolve(path, key: key) else { return nil }
            guard resolved.hasPrefix(root + "/") else {
                throw BlobStoreError(.refused, "key \(key) leads to \(resolved), outside the store's folder \(root), through a symbolic link")
            }
            folder = resolved
        }
        return folder
    }

    /// The store's folder with symbolic links resolved, created first (with its parents) if
    /// `creating`; `nil` when it doesn't exist and `creating` is false.
    private func resolveRoot(creating: Bool) throws(BlobStoreError) -> String? {
        if creating {
            var path = ""
            for component in root.split(separator: "/") {
                path += "/" + component
                try BlobFiles.makeFolder(path, key: nil)
            }
        }
        return try BlobFiles.resolve(root, key: nil)
    }

    /// The content type in `key`'s metadata file; without one, the type its name implies, or
    /// `application/octet-stream`.
    private func contentType(in folder: String, of key: BlobKey) throws(BlobStoreError) -> String {
        let name = Self.name(of: key)
        guard let metadata = try BlobFiles.read(folder + "/" + name + Self.metadataSuffix, key: key) else {
            return BlobContentType.implied(byName: name) ?? BlobContentType.unknown
        }
        return FileBlobMetadata(decoding: metadata)?.contentType ?? BlobContentType.unknown
    }

    /// The key's last segment: its file's name.
    private static func name(of key: BlobKey) -> String {
        String(key.segments.last ?? "")
    }
}
