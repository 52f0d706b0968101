// Operators and their console sessions: tokens and session secrets are random, shown once, and
// stored only as their SHA-256.

import Crypto
import Foundation
public import SwitchyardPostgres

/// Someone who runs the fleet and may use the console (not a tenant).
public struct ConsoleOperator: Sendable, Equatable {
    /// The operator's id.
    public var id: String
    /// The name given to `switchyard operators create`.
    public var name: String
}

/// One operator as `switchyard operators list` shows it.
public struct OperatorListing: Sendable, Codable, Equatable {
    /// The name.
    public var name: String
    /// The token's first characters, to tell tokens apart.
    public var prefix: String
    /// When the operator was created (RFC 3339, UTC).
    public var createdAt: String
    /// When the token was revoked, if it was.
    public var revokedAt: String?

    enum CodingKeys: String, CodingKey {
        case name, prefix
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }
}

/// Creating, revoking and checking operators, and their signed-in sessions.
public enum Operators {
    /// The prefix of every operator token: a tenant's API key (`sy_`) never passes for one.
    public static let tokenPrefix = "syop_"
    /// How long a console session lasts after sign-in.
    public static let sessionLifetime: Duration = .seconds(12 * 3_600)

    /// 256 random bits as base64url without padding (43 characters).
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(bytes)
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Creates an operator named `name`.
    /// - Returns: The token (shown once, never stored), or nil when the name is taken.
    public static func create(name: String, on connection: isolated PostgresConnection) throws -> String? {
        let token = tokenPrefix + randomSecret()
        let rows = try connection.query(
            "INSERT INTO operators (name, token_hash, prefix) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING 1",
            [name, hash(token), String(token.prefix(tokenPrefix.count + 6))])
        return rows.isEmpty ? nil : token
    }

    /// Revokes `name`'s token and ends its sessions.
    /// - Returns: Whether an active operator was revoked.
    public static func revoke(name: String, on connection: isolated PostgresConnection) throws -> Bool {
        let revoked = try connection.query(
            "UPDATE operators SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id::text", [name])
        guard let id = try revoked.first?.decode(String.self, at: 0) else { return false }
        try connection.execute("DELETE FROM operator_sessions WHERE operator_id = $1::uuid", [id])
        return true
    }

    /// Every operator, by name.
    public static func list(on connection: isolated PostgresConnection) throws -> [OperatorListing] {
        try connection.query(
            """
            SELECT name, prefix, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM operators ORDER BY name
            """
        ).map {
            OperatorListing(
                name: try $0.decode(String.self, at: 0), prefix: try $0.decode(String.self, at: 1),
                createdAt: try $0.decode(String.self, at: 2), revokedAt: try $0.decode(String?.self, at: 3))
        }
    }

    /// Signs in with `token`: a new session for its operator, and expired sessions forgotten.
    /// - Returns: The operator and the session secret for the cookie, or nil when the token is
    ///   unknown or revoked.
    public static func signIn(token: String, on connection: isolated PostgresConnection) throws -> (ConsoleOperator, secret: String)? {
        guard token.hasPrefix(tokenPrefix) else { return nil }
        let rows = try connection.query(
            "SELECT id::text, name FROM operators WHERE token_hash = $1 AND revoked_at IS NULL", [hash(token)])
        guard let row = rows.first else { return nil }
        let found = ConsoleOperator(id: try row.decode(String.self, at: 0), name: try row.decode(String.self, at: 1))
        let secret = randomSecret()
        try connection.execute("DELETE FROM operator_sessions WHERE expires_at < now()")
        try connection.execute(
            "INSERT INTO operator_sessions (secret_hash, operator_id, expires_at) VALUES ($1, $2::uuid, now() + make_interval(secs => $3::double precision))",
            [hash(secret), found.id, Int(sessionLifetime.components.seconds)])
        return (found, secret)
    }

    /// The operator of a live session, or nil (unknown, expired, or its operator revoked).
    public static func session(_ secret: String, on connection: isolated PostgresConnection) throws -> ConsoleOperator? {
        let rows = try connection.query(
            """
            SELECT o.id::text, o.name FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
            WHERE s.secret_hash = $1 AND s.expires_at > now() AND o.revoked_at IS NULL
            """, [hash(secret)])
        guard let row = rows.first else { return nil }
        return ConsoleOperator(id: try row.decode(String.self, at: 0), name: try row.decode(String.self, at: 1))
    }

    /// Ends a session.
    public static func signOut(_ secret: String, on connection: isolated PostgresConnection) throws {
        try connection.execute("DELETE FROM operator_sessions WHERE secret_hash = $1", [hash(secret)])
    }

    /// The CSRF token of a session: derived from its secret, so it needs no storage and is worth
    /// nothing without the session cookie it belongs to.
    static func csrfToken(forSession secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("switchyard-console-csrf".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return base64URL(code)
    }

    /// Whether `token` is `secret`'s CSRF token (compared in constant time).
    static func isCSRFToken(_ token: String, forSession secret: String) -> Bool {
        let expected = Array(csrfToken(forSession: secret).utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
