// Rate and concurrency limits per provider, shared by every worker process through Postgres.

import Logging
public import SwitchyardPostgres

/// A provider's limits: calls per second with bursts (a token bucket), and calls at once.
public struct ProviderLimit: Sendable, Equatable {
    /// Calls per second; nil: no rate limit.
    public var rate: Double?
    /// The most calls in a burst (the bucket's size).
    public var burst: Double
    /// The most calls at once across the fleet; nil: no limit.
    public var concurrency: Int?

    /// Creates a limit.
    public init(rate: Double?, burst: Double, concurrency: Int?) {
        self.rate = rate
        self.burst = burst
        self.concurrency = concurrency
    }

    /// No limit at all.
    public static let none = ProviderLimit(rate: nil, burst: 1, concurrency: nil)
}

/// Enforces ``ProviderLimit``s for every worker at once: the token bucket is one row of
/// `provider_limits` (refilled and taken from in one `UPDATE`), the concurrency limit is the
/// number of unexpired rows of `provider_leases`. A call over a limit is not waited for: it
/// throws a rate-limited ``ProviderError`` naming when a token (or a slot) should be free, and
/// the worker retries the message through the delay tiers, keeping its handlers free.
public struct ProviderLimits: Sendable {
    private let pool: PostgresPool
    private let limits: [String: ProviderLimit]
    /// The error classes of calls refused by these limits (not the provider's own 429s); see
    /// ``ProviderError/isFleetLimit``.
    public static let errorClasses: Set<String> = ["provider_rate", "provider_concurrency"]
    /// A lease outlives a worker that died holding it by at most this long.
    static let leaseTime = 120

    /// Creates the limits.
    /// - Parameters:
    ///   - pool: The shared database.
    ///   - limits: Per provider (`llm`, `build_service`, ...).
    public init(pool: PostgresPool, limits: [String: ProviderLimit]) {
        self.pool = pool
        self.limits = limits.filter { $0.value != .none }
    }

    /// Runs `call` within `provider`'s limits.
    /// - Throws: ``ProviderError`` rate-limited (`provider_rate` or `provider_concurrency`) when
    ///   over a limit; what `call` throws.
    func withPermit<T>(_ provider: String, _ call: () async throws(ProviderError) -> T) async throws(ProviderError) -> T {
        guard let limit = limits[provider] else { return try await call() }
        let lease: String?
        do {
            lease = try await acquire(provider, limit)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(.transient, "database", "provider limits for \(provider): \(error)")
        }
        let result: Result<T, ProviderError>
        do throws(ProviderError) {
            result = .success(try await call())
        } catch {
            result = .failure(error)
        }
        if let lease {
            _ = try? await pool.withConnection { connection in
                try connection.execute("DELETE FROM provider_leases WHERE provider = $1 AND lease_id = $2::uuid", [provider, lease])
            }
        }
        return try result.get()
    }

    /// Takes a token and, with a concurrency limit, a lease; returns the lease id.
    private func acquire(_ provider: String, _ limit: ProviderLimit) async throws -> String? {
        try await pool.withTransaction { connection -> String? in
            if let rate = limit.rate {
                try connection.execute(
                    "INSERT INTO provider_limits (provider, tokens) VALUES ($1, $2) ON CONFLICT DO NOTHING", [provider, limit.burst])
                let bucket = try connection.query(
                    """
                    WITH refilled AS (
                        SELECT least($3::float8, tokens + extract(epoch FROM clock_timestamp() - refilled_at) * $2::float8) AS tokens
                        FROM provider_limits WHERE provider = $1 FOR UPDATE
                    )
                    UPDATE provider_limits p
                    SET tokens = CASE WHEN r.tokens >= 1 THEN r.tokens - 1 ELSE r.tokens END, refilled_at = clock_timestamp()
                    FROM refilled r WHERE p.provider = $1
                    RETURNING r.tokens
                    """, [provider, rate, limit.burst])[0].decode(Double.self, at: 0)
                if bucket < 1 {
                    let wait = Int(((1 - bucket) / rate * 1000).rounded(.up))
                    throw ProviderError(.rateLimited(retryAfter: .milliseconds(max(wait, 1))), "provider_rate",
                                        "\(provider): over \(rate) calls/s across the fleet")
                }
            }
            guard let concurrency = limit.concurrency else { return nil }
            _ = try connection.query("SELECT pg_advisory_xact_lock(hashtextextended('sy_provider:' || $1, 0))", [provider])
            try connection.execute("DELETE FROM provider_leases WHERE provider = $1 AND expires_at <= clock_timestamp()", [provider])
            let inUse = try connection.query("SELECT count(*) FROM provider_leases WHERE provider = $1", [provider])[0].decode(Int.self, at: 0)
            guard inUse < concurrency else {
                throw ProviderError(.rateLimited(retryAfter: .seconds(1)), "provider_concurrency",
                                    "\(provider): \(concurrency) calls already running across the fleet")
            }
            return try connection.query(
                """
                INSERT INTO provider_leases (provider, expires_at)
                VALUES ($1, clock_timestamp() + make_interval(secs => $2)) RETURNING lease_id::text
                """, [provider, Self.leaseTime])[0].decode(String.self, at: 0)
        }
    }
}

extension ProviderError {
    /// Whether the fleet's own limits refused the call (``ProviderLimits``), not the provider:
    /// the work waits for the limit without using up an attempt.
    public var isFleetLimit: Bool { ProviderLimits.errorClasses.contains(errorClass) }
}
