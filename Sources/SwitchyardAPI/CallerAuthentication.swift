// Who is calling the producer and job APIs: the tenant of an API key, within its rate, and
// client addresses that keep failing to authenticate slowed down.

import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import Metrics
import Switchyard
public import SwitchyardPostgres

/// The tenant and key behind a request.
public struct Caller: Sendable {
    /// The key's tenant: every query and message of the request is scoped to it.
    public var tenantID: String
    /// The key's id, to notice its revocation while a stream is open.
    public var keyID: String
}

/// Checks `Authorization: Bearer sy_...`, the key's token bucket, and the failures of the
/// client's address. The keys of requests that arrive together are looked up in one query
/// (``RequestGroups``, each group's size recorded in
/// `switchyard_ingress_group_size{requests="key_lookups"}`); each look-up still reads the key's
/// row after its request arrived, so a revoked key stops working at once.
public struct CallerAuthentication: Sendable {
    let pool: PostgresPool
    /// Key look-ups by ``APIKeys/lookupHash(_:)``, grouped.
    let lookups: RequestGroups<String, Caller?>
    let limiter: RateLimiter
    /// Failed authentications per client address (API keys and webhook signatures).
    let failures: RateLimiter

    /// Creates the check.
    /// - Parameters:
    ///   - pool: Where API keys are looked up.
    ///   - logger: Where look-ups the database failed are logged (at most once per
    ///     ``ThrottledWarning/interval``, with the requests in between counted).
    ///   - rate: Requests per second per key, sustained.
    ///   - burst: Requests per key in a burst.
    ///   - failureRate: Failed authentications per second per client address, sustained.
    ///   - failureBurst: Failed authentications per client address in a burst.
    public init(pool: PostgresPool, logger: Logger, rate: Int, burst: Int, failureRate: Int, failureBurst: Int) {
        self.pool = pool
        let sizes = Recorder(label: "switchyard_ingress_group_size", dimensions: [("requests", "key_lookups")])
        let lookupFailure = ThrottledWarning("API keys not looked up: database failure; the requests are answered 503")
        lookups = RequestGroups { hashes, answers in
            sizes.record(hashes.count)
            do {
                let callers = try await pool.withConnection { connection in try APIKeys.authenticate(hashes: Set(hashes), on: connection) }
                answers.give { .success(callers[$0]) }
            } catch {
                lookupFailure.log(to: logger, count: hashes.count, metadata: ["error": "\(error)"])
                answers.give { _ in .failure(APIError.unavailable("the database")) }
            }
        }
        limiter = RateLimiter(rate: Double(rate), burst: Double(burst))
        failures = RateLimiter(rate: Double(failureRate), burst: Double(failureBurst))
    }

    /// The caller of `request`, charged one request against its key's rate.
    /// - Parameters:
    ///   - request: The request.
    ///   - address: The client's address; its failed attempts are limited.
    /// - Throws: ``APIError`` 401 for a missing, unknown or revoked key, 429 with `Retry-After`
    ///   over the key's rate or after too many failures from the address, 503 when the database
    ///   is unreachable.
    public func caller(of request: Request, from address: String) async throws(APIError) -> Caller {
        try refuseIfFailingTooOften(address)
        guard let header = request.headers.value(of: .authorization), header.hasPrefix("Bearer ") else {
            throw failed(address, APIError(.unauthorized, "missing_api_key", "send Authorization: Bearer <API key>", field: "Authorization"))
        }
        let key = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        var found: Caller?
        if let hash = APIKeys.lookupHash(key) { found = try await lookups.answer(hash).get() }
        guard let found else {
            throw failed(address, APIError(.unauthorized, "invalid_api_key", "the API key is unknown or revoked", field: "Authorization"))
        }
        if let wait = limiter.take(found.keyID) {
            throw APIError(.tooManyRequests, "rate_limited", "this API key's request rate is exceeded", retryAfter: wait)
        }
        return found
    }

    /// Whether the key is still active (for streams that outlive their request).
    public func isActive(keyID: String) async -> Bool {
        let rows = try? await pool.withConnection { connection in
            try connection.query("SELECT 1 FROM api_keys WHERE id = $1::uuid AND revoked_at IS NULL", [keyID]).count
        }
        // A database outage doesn't end streams; the next check decides.
        return rows.map { $0 > 0 } ?? true
    }

    /// 429 when `address` has used up its failed attempts.
    public func refuseIfFailingTooOften(_ address: String) throws(APIError) {
        if let wait = failures.check(address) {
            throw APIError(.tooManyRequests, "too_many_failures",
                           "too many failed authentications from this address; retry later", retryAfter: wait)
        }
    }

    /// Counts one failed authentication of `address` and returns `error`.
    public func failed(_ address: String, _ error: APIError) -> APIError {
        _ = failures.take(address)
        return error
    }
}
