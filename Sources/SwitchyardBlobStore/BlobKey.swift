// The rules a blob key follows in every store, checked before any I/O.

/// A checked blob key: a relative, slash-separated path such as `generations/7f3a/slides/0.png`.
///
/// A key is 1-512 bytes of `A-Z a-z 0-9 . _ - /`; it doesn't start with `/`, and each of its
/// `/`-separated segments is non-empty, 1-200 bytes, and neither `.` nor `..`. So a key names
/// a file inside the file store's folder and an object inside the S3 bucket, never anything
/// outside them; it needs no escaping in a URL, and `%`, `\`, NUL and `~` (the file store's
/// own names use it) never occur.
public struct BlobKey: Sendable, Hashable, CustomStringConvertible {
    /// The most bytes a key may have.
    public static let maxLength = 512
    /// The most bytes one segment may have (file systems allow 255 per name; the file store
    /// adds suffixes to it).
    public static let maxSegmentLength = 200

    /// The key as given.
    public let value: String

    /// Checks `key`.
    /// - Parameter key: The key.
    /// - Throws: ``BlobStoreError`` with code ``BlobStoreError/Code/invalidKey`` saying which
    ///   rule it breaks.
    public init(_ key: String) throws(BlobStoreError) {
        func refuse(_ problem: String) -> BlobStoreError {
            BlobStoreError(.invalidKey, "key \(String(reflecting: String(key.prefix(80)))) \(problem)")
        }
        let bytes = Array(key.utf8)
        guard (1...Self.maxLength).contains(bytes.count) else {
            throw refuse("must be 1-\(Self.maxLength) bytes long, got \(bytes.count)")
        }
        guard bytes.allSatisfy(Self.isAllowed) else {
            throw refuse("may hold only letters, digits, '.', '_', '-' and '/'")
        }
        guard bytes.first != UInt8(ascii: "/") else {
            throw refuse("must not start with '/'")
        }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            guard !segment.isEmpty else {
                throw refuse("must not have an empty segment ('//' or a trailing '/')")
            }
            guard segment != ".", segment != ".." else {
                throw refuse("must not have a '.' or '..' segment")
            }
            guard segment.utf8.count <= Self.maxSegmentLength else {
                throw refuse("has a segment longer than \(Self.maxSegmentLength) bytes")
            }
        }
        value = key
    }

    /// The `/`-separated segments, in order.
    public var segments: [Substring] {
        value.split(separator: "/")
    }

    /// The key.
    public var description: String { value }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }
}
