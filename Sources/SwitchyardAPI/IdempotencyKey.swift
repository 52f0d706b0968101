// Idempotency-Key: the first answer to a request, replayed for its retries.

import Crypto
import Foundation
import HTTPTypes
import SwitchyardCore
public import Hummingbird
public import SwitchyardPostgres

/// A request's `Idempotency-Key` and the hash of its body, remembered with the first answer in
/// `idempotency_keys`, so a retry gets that answer and the same key with another body is 422.
/// Keys are scoped per tenant and route (the request's path): the same key on two routes names
/// two requests.
public struct IdempotencyKey: Sendable {
    static let header = HTTPField.Name("Idempotency-Key")!

    /// The key as the client sent it.
    public let key: String
    /// The route it belongs to: the request's path.
    public let scope: String
    /// SHA-256 of the request body.
    public let requestHash: [UInt8]

    /// 422 `idempotency_key_reused`: the key holds the answer to another body.
    public static let reused = APIError(
        .unprocessableContent, "idempotency_key_reused", "this Idempotency-Key was used with a different body", field: "Idempotency-Key")

    /// 409 `idempotency_key_in_use`: the request that held the key failed meanwhile; a retry
    /// claims it.
    public static let inUse = APIError(
        .conflict, "idempotency_key_in_use", "a request with this Idempotency-Key was in progress; retry", field: "Idempotency-Key")

    /// The key of `request`, if it has one.
    /// - Throws: ``APIError`` 400 when the header is empty, longer than 200 bytes or holds a
    ///   control character.
    public init?(of request: Request, body: [UInt8]) throws(APIError) {
        guard let key = request.headers.value(of: Self.header) else { return nil }
        guard !key.isEmpty, key.utf8.count <= 200, !key.hasControlCharacters else {
            throw APIError(.badRequest, "invalid_idempotency_key", "Idempotency-Key must be 1-200 bytes without control characters",
                           field: "Idempotency-Key")
        }
        self.key = key
        scope = request.uri.path
        requestHash = Array(SHA256.hash(data: Data(body)))
    }

    /// Claims the key for this request with `answer`, or finds the answer of the request that
    /// claimed it first (waiting for that request's transaction if it is still open).
    /// - Returns: nil when this request claimed the key (go on, in the same transaction), else
    ///   the earlier answer to return unchanged.
    /// - Throws: ``APIError`` 422 when the key was used with another body, 409 when the request
    ///   that held it failed meanwhile (a retry then succeeds).
    public func claim(answer: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String? {
        let claimed = try connection.query(
            """
            INSERT INTO idempotency_keys (tenant_id, scope, key, request_sha256, response)
            VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1
            """, [tenantID, scope, key, requestHash, answer])
        guard claimed.isEmpty else { return nil }
        let rows = try connection.query(
            "SELECT request_sha256, response FROM idempotency_keys WHERE tenant_id = $1::uuid AND scope = $2 AND key = $3",
            [tenantID, scope, key])
        guard let row = rows.first else { throw Self.inUse }
        guard try row.decode([UInt8].self, at: 0) == requestHash else { throw Self.reused }
        return try row.decode(String.self, at: 1)
    }
}
