// A stored blob as read back: its bytes and content type.

/// A blob read from a ``BlobStore``.
public struct Blob: Sendable, Hashable {
    /// The bytes, exactly as written.
    public var bytes: [UInt8]
    /// The content type given when it was written, such as `image/png`.
    public var contentType: String

    /// Creates a blob.
    /// - Parameters:
    ///   - bytes: The bytes.
    ///   - contentType: The content type.
    public init(bytes: [UInt8], contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
    }
}
