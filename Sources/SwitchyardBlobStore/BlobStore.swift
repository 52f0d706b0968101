// The protocol every blob store implements: put, get and head by key.

/// Where large binary results (slide images) are kept and read back: a folder on disk
/// (``FileBlobStore``) or an S3 bucket (``S3BlobStore``), chosen by ``BlobStoreConfiguration``.
///
/// Keys follow the ``BlobKey`` rules in every store, so a key that works with one works with
/// the other, and none reaches outside the store's folder or bucket. A `put` replaces what
/// the key held as a whole: a reader sees the old blob or the new one, never a part. A store's
/// `description` says where its blobs are (`file:///srv/blobs`, `s3://slides at
/// http://10.0.0.5:9000`), never with credentials, so it is fit for logs.
///
/// ```swift
/// let store = try BlobStoreConfiguration(defaultFolder: ".services/blobs").makeStore()
/// try await store.put("generations/\(id)/slides/0.png", png, contentType: "image/png")
/// let slide = try await store.get("generations/\(id)/slides/0.png")
/// ```
public protocol BlobStore: Sendable, CustomStringConvertible {
    /// Stores `bytes` under `key`, replacing what was there.
    /// - Parameters:
    ///   - key: The key (see ``BlobKey``).
    ///   - bytes: The blob.
    ///   - contentType: Its media type, such as `image/png`: printable ASCII, 1-255 bytes.
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey`` or
    ///   ``BlobStoreError/Code/invalidContentType`` before any I/O, else as the store fails.
    func put(_ key: String, _ bytes: [UInt8], contentType: String) async throws(BlobStoreError)

    /// Reads the blob under `key`.
    /// - Parameter key: The key (see ``BlobKey``).
    /// - Returns: The blob, or `nil` when the key holds none.
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey`` before any I/O, else
    ///   as the store fails.
    func get(_ key: String) async throws(BlobStoreError) -> Blob?

    /// The size and content type of the blob under `key`, without reading it.
    /// - Parameter key: The key (see ``BlobKey``).
    /// - Returns: What the store knows of the blob, or `nil` when the key holds none.
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey`` before any I/O, else
    ///   as the store fails.
    func head(_ key: String) async throws(BlobStoreError) -> BlobInfo?
}
