// Blobs as objects of one S3 bucket: PUT, GET and HEAD signed with AWS Signature Version 4.

import Foundation
import SwitchyardHTTP

/// A ``BlobStore`` in an S3 bucket (AWS, or any S3-compatible server), over ``HTTPClient``.
///
/// Each call is one path-style request, `{endpoint}/{bucket}/{key}`, signed with AWS
/// Signature Version 4: `x-amz-date`, `x-amz-content-sha256` (the hex SHA-256 of the body) and
/// the signed headers `content-type` (on PUT), `host`, `x-amz-content-sha256` and `x-amz-date`.
/// A key passes the ``BlobKey`` rules first, so it names an object of this bucket and nothing
/// else. The store has an HTTP client of its own (its own threads and kept-alive connections),
/// released with the store.
///
/// Answers are classified like every HTTP failure of the project: network trouble, timeouts,
/// 5xx, 408 and 429 are ``BlobStoreError/Code/unavailable``; other statuses
/// ``BlobStoreError/Code/refused``, with S3's error code (``BlobStoreError/serviceCode``:
/// `SignatureDoesNotMatch`, `AccessDenied`, `NoSuchBucket`, ...) and message. A missing object
/// (404 `NoSuchKey`) is `nil`; a missing bucket is refused. HEAD answers have no body, so a
/// HEAD refused by the server carries the status alone, and any 404 to a HEAD reads as `nil`.
public final class S3BlobStore: BlobStore {
    /// The settings the store was created with.
    public let configuration: Configuration
    private let client: HTTPClient
    private let signer: S3RequestSigner
    /// `configuration.endpoint` without a trailing `/`.
    private let baseURL: String
    /// The endpoint's `host[:port]`, sent and signed as `Host`.
    private let host: String

    /// Creates a store and its HTTP client; nothing is sent until the first call.
    /// - Parameter configuration: The bucket, server, credentials and limits.
    public init(configuration: Configuration) {
        self.configuration = configuration
        client = HTTPClient(configuration: HTTPClient.Configuration(
            timeout: configuration.timeout, maxResponseSize: configuration.maxBlobSize, userAgent: "switchyard-blobs"))
        signer = S3RequestSigner(
            accessKeyID: configuration.accessKeyID, secretAccessKey: configuration.secretAccessKey, region: configuration.region)
        baseURL = configuration.endpoint.hasSuffix("/") ? String(configuration.endpoint.dropLast()) : configuration.endpoint
        let authority = baseURL.split(separator: "://", maxSplits: 1).last ?? ""
        host = String(authority.prefix { $0 != "/" })
    }

    /// `s3://bucket at endpoint (region)`.
    public var description: String {
        configuration.description
    }

    /// Uploads `bytes` as the object `key` with `contentType` (`PUT`), replacing it.
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey``,
    ///   ``BlobStoreError/Code/invalidContentType`` or, for a blob over
    ///   ``Configuration/maxBlobSize``, ``BlobStoreError/Code/refused`` before any request;
    ///   else classified as the type's documentation says.
    public func put(_ key: String, _ bytes: [UInt8], contentType: String) async throws(BlobStoreError) {
        let key = try BlobKey(key)
        let contentType = try BlobContentType.validated(contentType)
        guard bytes.count <= configuration.maxBlobSize else {
            throw BlobStoreError(
                .refused, "blob for key \(key) has \(bytes.count) bytes, more than the store's limit of \(configuration.maxBlobSize)")
        }
        let (response, request) = try await send(.put, key, body: bytes, contentType: contentType)
        guard response.isSuccess else { throw BlobStoreError(answer: response, request: request) }
    }

    /// Downloads the object `key` (`GET`).
    /// - Returns: Its bytes and `Content-Type`, or `nil` when the bucket has no such object.
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey`` before any request;
    ///   else classified as the type's documentation says.
    public func get(_ key: String) async throws(BlobStoreError) -> Blob? {
        let key = try BlobKey(key)
        let (response, request) = try await send(.get, key)
        if response.status == 404, (S3ErrorResponse(body: response.body)?.code ?? "NoSuchKey") == "NoSuchKey" {
            return nil
        }
        guard response.isSuccess else { throw BlobStoreError(answer: response, request: request) }
        return Blob(bytes: response.body, contentType: response.header("Content-Type") ?? BlobContentType.unknown)
    }

    /// The size and content type of the object `key` (`HEAD`).
    /// - Returns: Its `Content-Length` and `Content-Type`, or `nil` for a 404.
    /// - Throws: ``BlobStoreError``: ``BlobStoreError/Code/invalidKey`` before any request;
    ///   else classified as the type's documentation says.
    public func head(_ key: String) async throws(BlobStoreError) -> BlobInfo? {
        let key = try BlobKey(key)
        let (response, request) = try await send(.head, key)
        if response.status == 404 {
            return nil
        }
        guard response.isSuccess else { throw BlobStoreError(answer: response, request: request) }
        guard let size = response.header("Content-Length").flatMap({ Int($0) }) else {
            throw BlobStoreError(.refused, "\(request) was answered without a Content-Length", status: response.status)
        }
        return BlobInfo(size: size, contentType: response.header("Content-Type") ?? BlobContentType.unknown)
    }

    /// Signs and sends one request for `key`.
    /// - Returns: The answer, whatever its status, and a description of the request for errors.
    /// - Throws: ``BlobStoreError`` when no answer came.
    private func send(
        _ method: HTTPMethod, _ key: BlobKey, body: [UInt8]? = nil, contentType: String? = nil
    ) async throws(BlobStoreError) -> (HTTPResponse, String) {
        let request = "S3 \(method) \(configuration.bucket)/\(key) at \(baseURL)"
        let path = S3RequestSigner.encodedPath([Substring(configuration.bucket)] + key.segments)
        let payloadHash = body.map(S3RequestSigner.hexSHA256) ?? S3RequestSigner.emptyPayloadHash
        let timestamp = S3RequestSigner.timestamp(for: Date())
        var headers = [
            HTTPHeader("Host", host), HTTPHeader("x-amz-content-sha256", payloadHash), HTTPHeader("x-amz-date", timestamp),
        ]
        if let contentType {
            headers.append(HTTPHeader("Content-Type", contentType))
        }
        headers.append(signer.authorization(method: method.name, path: path, headers: headers, payloadHash: payloadHash, timestamp: timestamp))
        do {
            return (try await client.execute(HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body)), request)
        } catch let error as HTTPClientError {
            throw BlobStoreError(error, request: request)
        } catch {
            throw BlobStoreError(.unavailable, "\(request): \(error)")
        }
    }
}
