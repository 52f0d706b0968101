// Where an S3 store's bucket is and how it signs in.

extension S3BlobStore {
    /// The bucket, the server, the credentials and the limits of one ``S3BlobStore``.
    ///
    /// ``BlobStoreConfiguration`` builds it from `SWITCHYARD_BLOB_URL` and the
    /// `SWITCHYARD_S3_*` variables, checking every value.
    public struct Configuration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The server's base URL, `http(s)://host[:port]` with no path: AWS
        /// (`https://s3.eu-west-1.amazonaws.com`) or any S3-compatible server. Requests are
        /// path-style, `{endpoint}/{bucket}/{key}`.
        public var endpoint: String
        /// The bucket (S3's naming rules: 3-63 of `a-z 0-9 . -`).
        public var bucket: String
        /// The region requests are signed for, such as `us-east-1`.
        public var region: String
        /// The access key id.
        public var accessKeyID: String
        /// The secret access key; never part of ``description`` or of an error.
        public var secretAccessKey: String
        /// The longest one request may take, connection included.
        public var timeout: Duration
        /// The largest blob the store writes or reads, in bytes.
        public var maxBlobSize: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - endpoint: The server's base URL, `http(s)://host[:port]`.
        ///   - bucket: The bucket.
        ///   - region: The signing region.
        ///   - accessKeyID: The access key id.
        ///   - secretAccessKey: The secret access key.
        ///   - timeout: The longest one request may take; 60 s unless given.
        ///   - maxBlobSize: The largest blob written or read; 64 MiB unless given.
        public init(
            endpoint: String, bucket: String, region: String, accessKeyID: String, secretAccessKey: String,
            timeout: Duration = .seconds(60), maxBlobSize: Int = 64 << 20
        ) {
            self.endpoint = endpoint
            self.bucket = bucket
            self.region = region
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.timeout = timeout
            self.maxBlobSize = maxBlobSize
        }

        /// `s3://bucket at endpoint (region)`, without the credentials.
        public var description: String {
            "s3://\(bucket) at \(endpoint) (\(region))"
        }

        /// The same as ``description``: no secret in `String(reflecting:)` either.
        public var debugDescription: String {
            description
        }
    }
}
