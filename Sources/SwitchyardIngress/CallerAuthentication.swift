// Who is calling the producer and job APIs: the tenant of an API key, within its rate.

import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardPostgres

/// The tenant and key behind a request.
struct Caller: Sendable {
    /// The key's tenant: every query and message of the request is scoped to it.
    var tenantID: String
}

/// Checks `Authorization: Bearer sy_...` and the key's token bucket.
struct CallerAuthentication: Sendable {
    let pool: PostgresPool
    let limiter: RateLimiter

    /// The caller of `request`, charged one request against its key's rate.
    /// - Throws: ``APIError`` 401 for a missing, unknown or revoked key, 429 with `Retry-After`
    ///   over the rate, 503 when the database is unreachable.
    func caller(of request: Request) async throws(APIError) -> Caller {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "missing_api_key", "send Authorization: Bearer <API key>", field: "Authorization")
        }
        let key = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let found: (tenantID: String, keyID: String)?
        do {
            found = try await pool.withConnection { connection in try APIKeys.authenticate(key, on: connection) }
        } catch {
            throw APIError.unavailable("the database")
        }
        guard let found else {
            throw APIError(.unauthorized, "invalid_api_key", "the API key is unknown or revoked", field: "Authorization")
        }
        if let wait = limiter.take(found.keyID) {
            throw APIError(.tooManyRequests, "rate_limited", "this API key's request rate is exceeded", retryAfter: wait)
        }
        return Caller(tenantID: found.tenantID)
    }
}
