// The rule every store applies to a blob's content type before writing it.

/// The content types a store accepts: what fits unchanged in an HTTP header and a JSON string.
enum BlobContentType {
    /// The type of a blob whose content type is unknown (a file written without its metadata).
    static let unknown = "application/octet-stream"

    /// The content type a file name's extension stands for (`png`, `jpg`, `jpeg`, `webp`,
    /// `gif`, `json`, lower case), or nil for any other name.
    static func implied(byName name: some StringProtocol) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...] {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        case "json": return "application/json"
        default: return nil
        }
    }

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
