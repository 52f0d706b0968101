// Which blob store a process uses: SWITCHYARD_BLOB_URL and the S3 credentials, checked at start-up.

public import Foundation
public import SwitchyardCore

/// The blob store settings, from `SWITCHYARD_*` variables:
///
/// | variable | values |
/// |---|---|
/// | `SWITCHYARD_BLOB_URL` | `file:///absolute/folder`, or `s3://bucket?endpoint=http(s)://host[:port]&region=name`; unset: the caller's default folder |
/// | `SWITCHYARD_S3_ACCESS_KEY_ID`, `SWITCHYARD_S3_SECRET_ACCESS_KEY` | the credentials, required for `s3://` |
///
/// Every value is checked here, so a process with a bad one stops at start-up with a
/// ``ConfigurationError`` that names the variable; the secret is never part of a message.
///
/// ```swift
/// let blobs = try BlobStoreConfiguration(defaultFolder: ".services/blobs").makeStore()
/// ```
public struct BlobStoreConfiguration: Sendable, CustomStringConvertible {
    /// Where the blobs are kept.
    public enum Backend: Sendable {
        /// A folder on this machine (``FileBlobStore``), as an absolute path.
        case file(root: String)
        /// An S3 bucket (``S3BlobStore``).
        case s3(S3BlobStore.Configuration)
    }

    /// The URL variable.
    public static let urlVariable = "SWITCHYARD_BLOB_URL"
    /// The access key id variable.
    public static let accessKeyVariable = "SWITCHYARD_S3_ACCESS_KEY_ID"
    /// The secret access key variable.
    public static let secretKeyVariable = "SWITCHYARD_S3_SECRET_ACCESS_KEY"

    /// Where the blobs are kept.
    public var backend: Backend

    /// Creates a configuration for a given backend.
    /// - Parameter backend: Where the blobs are kept.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// Reads the variables.
    /// - Parameters:
    ///   - environment: The variables (the process environment by default).
    ///   - defaultFolder: The folder used when `SWITCHYARD_BLOB_URL` is unset: an absolute path,
    ///     or one relative to the current directory (such as `.services/blobs`).
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it: a URL that
    ///   doesn't parse, a scheme other than `file` and `s3`, a `file:` URL that is not an
    ///   absolute local path, an `s3:` URL with an invalid bucket, credentials in it, a path, or a
    ///   missing or invalid `endpoint` or `region`, or missing credentials.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, defaultFolder: String
    ) throws(ConfigurationError) {
        guard let text = environment[Self.urlVariable] else {
            backend = .file(root: URL(fileURLWithPath: defaultFolder).standardizedFileURL.path)
            return
        }
        let shown = "'\(Redaction.url(text))'"
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigurationError(variable: Self.urlVariable, problem: "set but empty; unset it or give a file:// or s3:// URL")
        }
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            throw ConfigurationError(
                variable: Self.urlVariable,
                problem: "expected file:///folder or s3://bucket?endpoint=http(s)://host:port&region=name, got \(shown)")
        }
        switch scheme {
        case "file":
            backend = .file(root: try Self.folder(url, shown: shown))
        case "s3":
            backend = .s3(try Self.bucket(url, shown: shown, environment: environment))
        default:
            throw ConfigurationError(
                variable: Self.urlVariable, problem: "unknown scheme '\(scheme)' in \(shown); expected file:// or s3://")
        }
    }

    /// Creates the store this configuration describes.
    /// - Returns: A ``FileBlobStore`` or an ``S3BlobStore``.
    public func makeStore() -> any BlobStore {
        switch backend {
        case .file(let root):
            FileBlobStore(root: root)
        case .s3(let configuration):
            S3BlobStore(configuration: configuration)
        }
    }

    /// `file:///folder` or `s3://bucket at endpoint (region)`, without credentials.
    public var description: String {
        switch backend {
        case .file(let root):
            "file://\(root)"
        case .s3(let configuration):
            configuration.description
        }
    }

    /// The folder of a `file:` URL: an absolute path on this machine (no host but `localhost`).
    private static func folder(_ url: URLComponents, shown: String) throws(ConfigurationError) -> String {
        guard (url.host ?? "").isEmpty || url.host == "localhost", url.user == nil, url.password == nil, url.port == nil,
              url.query == nil, url.fragment == nil, url.path.hasPrefix("/")
        else {
            throw ConfigurationError(variable: urlVariable, problem: "expected file:///absolute/folder, got \(shown)")
        }
        return URL(fileURLWithPath: url.path).standardizedFileURL.path
    }

    /// The S3 settings of an `s3:` URL and the credential variables.
    private static func bucket(
        _ url: URLComponents, shown: String, environment: [String: String]
    ) throws(ConfigurationError) -> S3BlobStore.Configuration {
        func problem(_ text: String) -> ConfigurationError {
            ConfigurationError(variable: urlVariable, problem: "\(text), in \(shown)")
        }
        guard url.user == nil, url.password == nil else {
            throw problem("credentials don't belong in the URL; set \(accessKeyVariable) and \(secretKeyVariable)")
        }
        let bucket = url.host ?? ""
        guard isBucketName(bucket) else {
            throw problem("expected s3://bucket with a bucket name of 3-63 characters a-z, 0-9, '.' and '-' that starts and ends with a letter or digit")
        }
        guard url.port == nil, url.path.isEmpty || url.path == "/", url.fragment == nil else {
            throw problem("expected s3://bucket?endpoint=...&region=... with no port, path or fragment")
        }
        var parameters: [String: String] = [:]
        for item in url.queryItems ?? [] {
            guard ["endpoint", "region"].contains(item.name) else {
                throw problem("unknown parameter '\(item.name)'; expected endpoint and region")
            }
            guard parameters.updateValue(item.value ?? "", forKey: item.name) == nil else {
                throw problem("parameter '\(item.name)' given twice")
            }
        }
        let endpoint = parameters["endpoint"] ?? ""
        guard let server = URLComponents(string: endpoint), ["http", "https"].contains(server.scheme?.lowercased() ?? ""),
              server.host?.isEmpty == false, server.user == nil, server.password == nil, server.path.isEmpty || server.path == "/",
              server.query == nil, server.fragment == nil
        else {
            throw problem("expected endpoint=http(s)://host[:port], the S3 server without path or credentials")
        }
        let region = parameters["region"] ?? ""
        guard (1...32).contains(region.utf8.count), region.utf8.allSatisfy({ isLowercaseAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else {
            throw problem("expected region=name (such as us-east-1): a-z, 0-9 and '-'")
        }
        let accessKeyID = environment[accessKeyVariable] ?? ""
        guard !accessKeyID.isEmpty else {
            throw ConfigurationError(variable: accessKeyVariable, problem: "unset or empty; required for an s3:// \(urlVariable)")
        }
        guard accessKeyID.utf8.count <= 128,
              accessKeyID.utf8.allSatisfy({ isLowercaseAlphanumeric($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || "_-.".utf8.contains($0) })
        else {
            throw ConfigurationError(variable: accessKeyVariable, problem: "expected up to 128 letters, digits, '_', '-' and '.'")
        }
        guard let secret = environment[secretKeyVariable], !secret.isEmpty else {
            throw ConfigurationError(variable: secretKeyVariable, problem: "unset or empty; required for an s3:// \(urlVariable)")
        }
        return S3BlobStore.Configuration(endpoint: endpoint, bucket: bucket, region: region, accessKeyID: accessKeyID, secretAccessKey: secret)
    }

    /// Whether `name` follows S3's bucket naming rules: 3-63 of `a-z 0-9 . -`, a letter or digit
    /// at both ends.
    private static func isBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (3...63).contains(bytes.count)
            && bytes.allSatisfy { isLowercaseAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
            && isLowercaseAlphanumeric(bytes[0]) && isLowercaseAlphanumeric(bytes[bytes.count - 1])
    }

    private static func isLowercaseAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
