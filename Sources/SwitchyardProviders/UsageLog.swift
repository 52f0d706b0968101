// `api_usage`: one row per call to an external service, written as the call ends.

public import Logging
import Foundation
import Switchyard
import SwitchyardCore
public import SwitchyardPostgres

/// Records every external call (api, endpoint, status, time, tenant, project). A call that a
/// retry repeats was made twice and is counted twice. The row is handed to the pool's deferred
/// writes (``PostgresPool/writeSoon(_:ifFailed:)``) as the call ends, and the handler goes on
/// without waiting for it: the rows of calls that end close together share one transaction,
/// which doesn't wait for the WAL flush (the handler's own commit and the broker's write are
/// the stage's durable writes). A row is lost only when the worker is killed before its batch
/// is written (within about 5 ms and a round trip of the call), or with the database's last
/// moments in a crash of the database; a graceful stop writes every row first (the pool closes
/// last). `created_at` is when the call ended (this process's clock), not when the row was
/// written. `response_time_ms` has microseconds (a fraction). `status_code` is the HTTP status of a failed call, 200 for any successful
/// network call (the clients don't report which 2xx), and empty for offline work.
public struct UsageLog: Sendable {
    let pool: PostgresPool
    let logger: Logger
    /// A row the database did not take (one per call during an outage).
    let notWritten = ThrottledWarning("api_usage rows not written")

    /// Creates a log writing to `pool`.
    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Runs `call`, then records it (also when it failed).
    /// - Parameters:
    ///   - api: The service (`llm`, `build_service`, `transcripts`).
    ///   - endpoint: What was called (`analyse`, `POST /builds`...).
    ///   - provider: The implementation's name (`offline` marks offline work).
    ///   - tenantID: The tenant the call was for.
    ///   - projectID: The project, when there is one.
    func measure<T>(
        api: String, endpoint: String, provider: String, tenantID: String?, projectID: String?,
        _ call: () async throws(ProviderError) -> T
    ) async throws(ProviderError) -> T {
        let started = ContinuousClock.now
        let result: Result<T, ProviderError>
        do throws(ProviderError) {
            result = .success(try await call())
        } catch {
            result = .failure(error)
        }
        let milliseconds = Double((ContinuousClock.now - started).nanoseconds / 1_000) / 1_000
        let ended = Date()
        var statusCode: Int?
        var failure: String?
        if case .failure(let error) = result {
            statusCode = error.statusCode
            failure = "\(error.errorClass): \(error.message)"
        } else if provider != "offline" {
            statusCode = 200
        }
        let logger = logger
        let notWritten = notWritten
        await pool.writeSoon(PostgresStatement(
            """
            INSERT INTO api_usage (tenant_id, project_id, api, endpoint, status_code, error, response_time_ms, offline, created_at)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9::timestamptz)
            """, [tenantID, projectID, api, "\(provider): \(endpoint)", statusCode, failure, milliseconds, provider == "offline", ended])
        ) { error in
            notWritten.log(to: logger, metadata: ["api": "\(api)", "error": "\(error)"])
        }
        return try result.get()
    }
}
