// Producer API keys: `sy_<base64url of 32 random bytes>`, stored only as their SHA-256.

import Crypto
import Foundation
public import SwitchyardPostgres

/// Creating, revoking and checking tenant API keys.
public enum APIKeys {
    /// A new key: `sy_` and 43 base64url characters (256 random bits).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "sy_" + Data(bytes).base64EncodedString()
            .replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    /// The stored form of a key.
    static func hash(_ key: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(key.utf8)))
    }

    /// Stores a new key for `tenantID`.
    /// - Returns: The key's id and the key itself (shown once, never stored).
    public static func create(tenantID: String, on connection: isolated PostgresConnection) throws -> (id: String, key: String) {
        let key = generate()
        let id = try connection.query(
            "INSERT INTO api_keys (tenant_id, key_hash, prefix) VALUES ($1::uuid, $2, $3) RETURNING id::text",
            [tenantID, hash(key), String(key.prefix(10))])[0].decode(String.self, at: 0)
        return (id, key)
    }

    /// Revokes a key by id.
    /// - Returns: Whether a key that was active is now revoked.
    public static func revoke(id: String, on connection: isolated PostgresConnection) throws -> Bool {
        !(try connection.query(
            "UPDATE api_keys SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL RETURNING 1", [id])).isEmpty
    }

    /// The tenant and key id of an active key, or nil.
    public static func authenticate(_ key: String, on connection: isolated PostgresConnection) throws -> (tenantID: String, keyID: String)? {
        guard key.hasPrefix("sy_") else { return nil }
        let rows = try connection.query(
            "SELECT tenant_id::text, id::text FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL", [hash(key)])
        guard let row = rows.first else { return nil }
        return (try row.decode(String.self, at: 0), try row.decode(String.self, at: 1))
    }
}
