// What a store knows of a blob without reading it: size and content type.

/// The size and content type of a stored blob, from ``BlobStore/head(_:)``.
public struct BlobInfo: Sendable, Hashable {
    /// The blob's length in bytes.
    public var size: Int
    /// The content type given when it was written.
    public var contentType: String

    /// Creates a description of a blob.
    /// - Parameters:
    ///   - size: The length in bytes.
    ///   - contentType: The content type.
    public init(size: Int, contentType: String) {
        self.size = size
        self.contentType = contentType
    }
}
