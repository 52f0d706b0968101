// The rule every store applies to a blob's content type before writing it.

/// The content types a store accepts: what fits unchanged in an HTTP header and a JSON string.
enum BlobContentType {
    /// The type of a blob whose content type is unknown (a file written without its metadata).
    static let unknown = "application/octet-stream"

    /// `contentType` when it is 1-255 bytes of printable ASCII (space to `~`).
    /// - Throws: ``BlobStoreError`` with code ``BlobStoreError/Code/invalidContentType``.
    static func validated(_ contentType: String) throws(BlobStoreError) -> String {
        let bytes = contentType.utf8
        guard (1...255).contains(bytes.count), bytes.allSatisfy({ (0x20...0x7E).contains($0) }),
              contentType.first != " ", contentType.last != " "
        else {
            throw BlobStoreError(
                .invalidContentType,
                "content type must be 1-255 printable ASCII characters without surrounding spaces, got \(String(reflecting: String(contentType.prefix(80))))")
        }
        return contentType
    }
}
