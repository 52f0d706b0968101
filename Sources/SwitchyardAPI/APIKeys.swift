// Producer API keys: `sy_<base64url of 32 random bytes>`, stored only as their SHA-256.

import Crypto
import Foundation
import SwitchyardCore
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

    /// The stored form of a key in hex: what ``authenticate(hashes:on:)`` looks up, or nil for
    /// text that is not a key.
    public static func lookupHash(_ key: String) -> String? {
        key.hasPrefix("sy_") ? HexText.lowercase(hash(key)) : nil
    }

    /// The callers of the active keys among `hashes` (``lookupHash(_:)``), by hash, in one
    /// query; unknown and revoked keys are absent.
    public static func authenticate(hashes: Set<String>, on connection: isolated PostgresConnection) throws -> [String: Caller] {
        var callers: [String: Caller] = [:]
        for row in try connection.query(
            """
            SELECT encode(key_hash, 'hex'), tenant_id::text, id::text FROM api_keys
            WHERE key_hash = ANY (ARRAY(SELECT decode(h, 'hex') FROM unnest(string_to_array($1, ',')) AS h)) AND revoked_at IS NULL
            """, [hashes.joined(separator: ",")]) {
            callers[try row.decode(String.self, at: 0)] = Caller(tenantID: try row.decode(String.self, at: 1), keyID: try row.decode(String.self, at: 2))
        }
        return callers
    }
}
