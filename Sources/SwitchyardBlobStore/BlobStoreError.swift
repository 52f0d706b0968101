// The one error type of SwitchyardBlobStore: an extensible code, a message, and the HTTP status,
// S3 error code or errno it came from.

/// Every failure of a ``BlobStore``: a key or content type refused before any I/O, a store that
/// could not be reached, a request the store refused, or a local file-system failure.
///
/// | code | meaning | retry? |
/// |---|---|---|
/// | ``Code/invalidKey`` | the key breaks the ``BlobKey`` rules; nothing was read or written | no |
/// | ``Code/invalidContentType`` | the content type is empty, too long or not printable ASCII | no |
/// | ``Code/unavailable`` | network trouble, timeouts, S3 5xx, 408 or 429 | yes, with backoff |
/// | ``Code/refused`` | S3 4xx (`SignatureDoesNotMatch`, `AccessDenied`, `NoSuchBucket`, ...), TLS, a blob over the size limit, a file-system permission or a key that collides with a folder | no |
/// | ``Code/io`` | a local file-system failure that may pass (disk full, I/O error, too many open files) | yes |
///
/// ```swift
/// catch let error where error.code == .refused && error.serviceCode == "AccessDenied" { ... }
/// ```
public struct BlobStoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. An opaque, extensible set: compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The key breaks the ``BlobKey`` rules; nothing was read or written.
        public static let invalidKey = Code("invalidKey")
        /// The content type is empty, longer than 255 bytes, or not printable ASCII.
        public static let invalidContentType = Code("invalidContentType")
        /// The store could not be reached or answered that it can't serve now (network failure,
        /// timeout, HTTP 5xx, 408, 429). Transient.
        public static let unavailable = Code("unavailable")
        /// The store refused the request, and the same request will be refused again: S3 4xx
        /// (with ``BlobStoreError/serviceCode`` and S3's message), an untrusted certificate, a
        /// blob over the size limit, a folder the process may not write, a key that collides
        /// with a folder of other keys. Permanent.
        public static let refused = Code("refused")
        /// A local file-system failure that may pass: disk full, I/O error, too many open files.
        /// Transient.
        public static let io = Code("io")

        /// The code's name, as in `refused`.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence saying what failed, naming the key and the store.
    public var message: String
    /// The HTTP status the store answered with, when it answered.
    public var status: Int?
    /// The store's own error code (S3's `<Code>`, such as `SignatureDoesNotMatch`), when it sent one.
    public var serviceCode: String?
    /// The `errno` of a failed file-system call, for the file store.
    public var systemError: Int32?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: What failed.
    ///   - status: The HTTP status, if any.
    ///   - serviceCode: The store's error code, if any.
    ///   - systemError: The `errno`, if any.
    public init(_ code: Code, _ message: String, status: Int? = nil, serviceCode: String? = nil, systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.serviceCode = serviceCode
        self.systemError = systemError
    }

    /// Whether the same call may succeed later (``Code/unavailable`` and ``Code/io``); a worker
    /// retries those with backoff and dead-letters the rest.
    public var isTransient: Bool {
        code == .unavailable || code == .io
    }

    /// `BlobStoreError(refused): message [HTTP 403 SignatureDoesNotMatch]`.
    public var description: String {
        var text = "BlobStoreError(\(code)): \(message)"
        let origin = [status.map { "HTTP \($0)" }, serviceCode, systemError.map { "errno \($0)" }].compactMap { $0 }
        if !origin.isEmpty {
            text += " [\(origin.joined(separator: " "))]"
        }
        return text
    }
}
