// The diagnostic `probe` role: does exactly what each message asks (sleep, fail transiently,
// fail permanently, crash), then records one row. Smoke tests and delivery proofs use it.

import Foundation
import SwitchyardCore
import SwitchyardPostgres
public import SwitchyardRuntime

/// Consumes `probe.run` events:
/// `{"v":1,"id":"...","transient_failures":K,"permanent":false,"sleep_ms":0,"fail_until_ms":0,"crash":false}`,
/// plus an optional `"retry_after_ms"` that turns its transient failures into rate limits and an
/// optional `"follow_up"` id: on success it also emits a `probe.run` for that id through the
/// outbox (the follow-up inherits trace, correlation and tenant).
///
/// It sleeps `sleep_ms` (which must stay below the role's handler deadline; 0 doesn't suspend),
/// fails permanently if `permanent` or while now < `fail_until_ms` (epoch milliseconds), fails
/// transiently while the attempt is ≤ `transient_failures`, and otherwise inserts
/// `probe_results(id, attempts)`; a second effect for the same id (a duplicate) counts up its
/// `effects` column instead. With `"crash": true` it aborts the process, but only when
/// `SWITCHYARD_PROBE_ALLOW_CRASH=1` (else a permanent failure).
public struct ProbeRole: WorkerRole {
    public let name = "probe"
    private let allowCrash: Bool
    private let handlerTimeout: Duration

    /// Creates the role.
    /// - Parameters:
    ///   - allowCrash: Honour `"crash": true` by aborting (tests of poison messages); the CLI
    ///     sets it from `SWITCHYARD_PROBE_ALLOW_CRASH=1`.
    ///   - handlerTimeout: The role's handler deadline; `sleep_ms` must stay below it.
    public init(allowCrash: Bool, handlerTimeout: Duration = .seconds(60)) {
        self.allowCrash = allowCrash
        self.handlerTimeout = handlerTimeout
    }

    /// The body of a `probe.run` event (package-visible for `SwitchyardBench json-bodies`,
    /// which times its decoding).
    package struct Request: Decodable {
        var v: Int
        package var id: String
        var transientFailures: Int?
        var permanent: Bool?
        var sleepMs: Int?
        var failUntilMs: Int64?
        var crash: Bool?
        var retryAfterMs: Int?
        var followUp: String?

        enum CodingKeys: String, CodingKey {
            case v, id, permanent, crash
            case followUp = "follow_up"
            case retryAfterMs = "retry_after_ms"
            case transientFailures = "transient_failures"
            case sleepMs = "sleep_ms"
            case failUntilMs = "fail_until_ms"
        }
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        let request: Request
        do {
            request = try JSONValueDecoder().decode(Request.self, from: message.body)
        } catch let error as DecodingError {
            return .permanentFailure(HandlerFailure("validation", "invalid probe.run body: \(error.fieldDescription)"))
        } catch {
            return .permanentFailure(HandlerFailure("validation", "invalid probe.run body: \(error)"))
        }
        guard request.v == 1 else {
            return .permanentFailure(HandlerFailure("validation", "invalid probe.run body: v: expected 1, got \(request.v)"))
        }
        if let sleep = request.sleepMs {
            let limit = handlerTimeout / .milliseconds(1)
            guard sleep >= 0, Double(sleep) < limit else {
                return .permanentFailure(HandlerFailure(
                    "validation", "invalid probe.run body: sleep_ms: expected 0 to \(Int(limit) - 1) (below the handler deadline), got \(sleep)"))
            }
            if sleep > 0 { try? await Task.sleep(for: .milliseconds(sleep)) }
        }
        if request.crash == true {
            guard allowCrash else {
                return .permanentFailure(HandlerFailure("crash_refused", "crash requested but SWITCHYARD_PROBE_ALLOW_CRASH is not 1"))
            }
            fatalError("probe \(request.id) asked to crash the worker")
        }
        if request.permanent == true {
            return .permanentFailure(HandlerFailure("permanent", "probe \(request.id) asked to fail permanently"))
        }
        if let until = request.failUntilMs, Int64(Date().timeIntervalSince1970 * 1000) < until {
            return .permanentFailure(HandlerFailure("permanent", "probe \(request.id) fails until \(until)"))
        }
        if message.attempt <= request.transientFailures ?? 0 {
            let failure = HandlerFailure("transient", "probe \(request.id) fails attempt \(message.attempt)")
            if let retryAfter = request.retryAfterMs, retryAfter > 0 {
                return .rateLimited(retryAfter: .milliseconds(retryAfter), failure)
            }
            return .transientFailure(failure)
        }
        let id = request.id
        let attempts = message.attempt
        let followUps = request.followUp.map { next in
            [OutgoingEvent(type: "probe.run", body: Array(#"{"v":1,"id":\#(Self.jsonString(next))}"#.utf8))]
        } ?? []
        return .success(HandlerEffects(statements: [PostgresStatement(
            """
            INSERT INTO probe_results (id, attempts, completed_at) VALUES ($1, $2, clock_timestamp())
            ON CONFLICT (id) DO UPDATE SET effects = probe_results.effects + 1
            """, [id, attempts])], followUps: followUps))
    }

    /// `value` as a JSON string literal.
    private static func jsonString(_ value: String) -> String {
        JSONValue.string(value).jsonText
    }
}
