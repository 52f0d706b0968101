// The pictures of a subject's parts (a generation's slides), for the operator console; the
// pipeline reads them from its own store, as its API does.

public import SwitchyardPostgres

/// How a pipeline hands out the picture of one part of a subject, whatever its tenant.
public struct SubjectPartImages: Sendable {
    /// A stored picture.
    public struct Image: Sendable {
        /// The bytes.
        public var bytes: [UInt8]
        /// Their media type (`image/png`).
        public var contentType: String

        /// Creates a picture.
        public init(bytes: [UInt8], contentType: String) {
            self.bytes = bytes
            self.contentType = contentType
        }
    }

    /// The subject's route (`generations`), as its ``LiveSubject`` gives it.
    public var route: String
    /// The picture of part `index` of subject `id` of tenant `tenantID`, or nil when it has none
    /// (yet).
    public var image: @Sendable (_ id: String, _ index: Int, _ tenantID: String, _ pool: PostgresPool) async throws -> Image?

    /// Describes where a subject's part pictures come from.
    public init(
        route: String, image: @escaping @Sendable (_ id: String, _ index: Int, _ tenantID: String, _ pool: PostgresPool) async throws -> Image?
    ) {
        self.route = route
        self.image = image
    }
}
