// Who is using the console: the session cookie, the CSRF token of state-changing forms, and
// sign-in attempts limited per client address.

import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardAPI
import SwitchyardPostgres

/// A signed-in operator's request.
struct ConsoleSession: Sendable {
    /// Who.
    var `operator`: ConsoleOperator
    /// The session secret from the cookie.
    var secret: String

    /// The CSRF token every state-changing form of this session carries.
    var csrfToken: String { Operators.csrfToken(forSession: secret) }

    /// The hidden form field with the CSRF token.
    var csrfField: HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(csrfToken)\">" }
}

/// Session cookies and sign-in limits.
struct ConsoleAccess: Sendable {
    /// The session cookie's name.
    static let cookieName = "sy_console"

    let pool: PostgresPool
    /// Sign-in attempts per client address.
    let signInAttempts: RateLimiter
    /// Always mark the cookie `Secure` (else only when the request came over TLS, as a proxy's
    /// `X-Forwarded-Proto: https` says).
    let alwaysSecure: Bool

    /// The session of `request`'s cookie, or nil when there is none or it is no longer valid.
    /// - Throws: When the database can't be asked.
    func session(of request: Request) async throws -> ConsoleSession? {
        guard let secret = Self.cookie(Self.cookieName, in: request), secret.count == 43 else { return nil }
        guard let found = try await pool.withConnection({ connection in try Operators.session(secret, on: connection) }) else { return nil }
        return ConsoleSession(operator: found, secret: secret)
    }

    /// The value of cookie `name` in `request`'s `Cookie` headers.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// The `Set-Cookie` header value that holds `secret` (or, with nil, removes the cookie).
    func setCookie(_ secret: String?, for request: Request) -> String {
        let secure = alwaysSecure || request.headers.value(of: HTTPField.Name("X-Forwarded-Proto")!)?.lowercased() == "https"
        let lifetime = secret == nil ? 0 : Int(Operators.sessionLifetime.components.seconds)
        return "\(Self.cookieName)=\(secret ?? ""); Path=/console; Max-Age=\(lifetime); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Whether `fields` carry `session`'s CSRF token.
    static func hasValidCSRFToken(_ fields: FormFields, for session: ConsoleSession) -> Bool {
        guard let token = fields["csrf"] else { return false }
        return Operators.isCSRFToken(token, forSession: session.secret)
    }
}
