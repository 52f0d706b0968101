// Server-Sent Events: every status change and progress update of a job, project or generation.

import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import SwitchyardPostgres
import SwitchyardCore

/// `GET /v1/jobs/{id}/events`, `/v1/projects/{id}/events`, `/v1/generations/{id}/events`.
///
/// The stream replays the subject's `live_updates` after `Last-Event-ID` (0 when absent: from
/// the start), then follows new ones as the ``LiveUpdateHub`` reports them. Each event is
/// `id: <n>` (1, 2, 3... per subject), `event: status | progress | build_event` and `data:` the
/// update as JSON; a comment line keeps idle connections open. The stream ends after the update
/// that finished the subject (`completed`, `failed` or `cancelled`), so a client that resumes
/// with the last id it saw gets exactly what it missed, without gaps or repeats.
///
/// A tenant holds at most ``StreamQuota/maxPerTenant`` streams at once (429 beyond), and a
/// stream ends within about two heartbeats of its API key being revoked (it checks the key at
/// most once per heartbeat).
public struct LiveUpdatesController: Sendable {
    let subjects: [LiveSubject]
    let pool: PostgresPool
    let authentication: CallerAuthentication
    let hub: LiveUpdateHub
    let quota: StreamQuota
    let logger: Logger

    /// Creates the controller.
    /// - Parameters:
    ///   - subjects: What can be followed (every pipeline's).
    ///   - pool: The database.
    ///   - authentication: Who the caller is.
    ///   - hub: Wakes the streams.
    ///   - quota: Streams per tenant.
    ///   - logger: Where to log.
    public init(
        subjects: [LiveSubject], pool: PostgresPool, authentication: CallerAuthentication, hub: LiveUpdateHub, quota: StreamQuota,
        logger: Logger
    ) {
        self.subjects = subjects
        self.pool = pool
        self.authentication = authentication
        self.hub = hub
        self.quota = quota
        self.logger = logger
    }

    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// The most updates a stream reads at once.
    static let pageSize = 500
    /// The most bytes of updates a stream reads at once, unless one update alone is larger:
    /// a page holds the updates that start within this many bytes of its first.
    static let pageBytes = 1 << 20

    /// One row of `live_updates`.
    private struct Update: Sendable {
        var seq: Int
        var event: String
        var data: String
    }

    /// Adds `GET /v1/{route}/{id}/events` for every subject.
    public func addRoutes(to router: Router<IngressRequestContext>) {
        for subject in subjects {
            router.get("v1/\(subject.route)/:id/events") { request, context in
                try await follow(
                    subject, request: request, id: try context.parameters.uuid("id", naming: subject.name), from: context.clientAddress)
            }
        }
    }

    func follow(_ subject: LiveSubject, request: Request, id: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        var after = 0
        if let header = request.headers.value(of: Self.lastEventID) {
            guard let value = Int(header.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw APIError(.badRequest, "invalid_last_event_id", "expected a non-negative integer, got '\(header)'",
                               field: "Last-Event-ID")
            }
            after = value
        }
        let exists = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
            !(try connection.query("SELECT 1 FROM \(subject.table) WHERE id = $1::uuid AND tenant_id = $2::uuid", [id, caller.tenantID])
                .isEmpty)
        }
        guard exists else { throw APIError.notFound(subject.name) }
        guard let lease = quota.lease(for: caller.tenantID) else {
            throw APIError(.tooManyRequests, "too_many_streams",
                           "this tenant has \(quota.maxPerTenant) live-update streams open, the most allowed; close one first",
                           retryAfter: 5)
        }
        let keyID = caller.keyID
        return Self.stream(
            subject, id: id, tenantID: caller.tenantID, after: after, hub: hub, pool: pool, logger: logger,
            stillAllowed: { [authentication] in await authentication.isActive(keyID: keyID) },
            endedBecause: "the API key was revoked", holding: lease)
    }

    /// The event stream of one subject: its updates after `after`, then new ones as `hub`
    /// reports them, until the subject finishes or `stillAllowed` (asked at most once per
    /// heartbeat) says no, which ends the stream with a `revoked` event giving `endedBecause`.
    /// - Parameters:
    ///   - subject: What kind of subject.
    ///   - id: The subject's id.
    ///   - tenantID: Its tenant: updates are read as that tenant, under row-level security.
    ///   - after: The last update the client has (0: none).
    ///   - hub: Wakes the stream.
    ///   - pool: The database.
    ///   - logger: Where to log.
    ///   - stillAllowed: Whether the viewer may still watch.
    ///   - endedBecause: The reason sent when `stillAllowed` says no.
    ///   - announcesEnd: Send `event: end` when the subject has finished, so a browser's
    ///     `EventSource` knows not to reconnect.
    ///   - holding: Kept alive as long as the stream (a quota lease).
    public static func stream(
        _ subject: LiveSubject, id: String, tenantID: String, after: Int, hub: LiveUpdateHub, pool: PostgresPool, logger: Logger,
        stillAllowed: @escaping @Sendable () async -> Bool, endedBecause: String, announcesEnd: Bool = false,
        holding: (any Sendable)? = nil
    ) -> Response {
        let pokes = hub.pokes(for: id)
        let checkInterval = hub.heartbeat
        let revoked = "event: revoked\ndata: " + JSONValue.object(["reason": .string(endedBecause)]).jsonText + "\n\n"
        let body = ResponseBody { writer in
            var last = after
            var allowedChecked = ContinuousClock.now
            followLoop: for await _ in pokes {
                if ContinuousClock.now - allowedChecked >= checkInterval {
                    guard await stillAllowed() else {
                        try await writer.write(ByteBuffer(string: revoked))
                        break followLoop
                    }
                    allowedChecked = ContinuousClock.now
                }
                var page: (updates: [Update], more: Bool, finished: Bool)
                repeat {
                    do {
                        page = try await Self.read(subject, id: id, after: last, tenantID: tenantID, pool: pool, logger: logger)
                    } catch {
                        try await writer.write(ByteBuffer(string: ": waiting for the database\n\n"))
                        continue followLoop
                    }
                    if page.updates.isEmpty {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    } else {
                        try await writer.write(ByteBuffer(string: page.updates.map {
                            "id: \($0.seq)\nevent: \($0.event)\ndata: \($0.data)\n\n"
                        }.joined()))
                        last = page.updates[page.updates.count - 1].seq
                    }
                } while page.more
                if page.finished {
                    if announcesEnd { try await writer.write(ByteBuffer(string: "event: end\ndata: {}\n\n")) }
                    break
                }
            }
            try await writer.finish(nil)
            withExtendedLifetime(holding) {}
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }

    /// A page of the updates after `after` (at most ``pageSize`` of them, and those that start
    /// within ``pageBytes`` of the first), whether more follow it, and whether the subject had
    /// finished. The status is read first: the update that finished it committed with that
    /// status, so it is in the page or one after it.
    private static func read(
        _ subject: LiveSubject, id: String, after: Int, tenantID: String, pool: PostgresPool, logger: Logger
    ) async throws(APIError) -> (updates: [Update], more: Bool, finished: Bool) {
        try await pool.asTenant(tenantID, logger: logger) { connection in
            let status = try connection.query(
                "SELECT status FROM \(subject.table) WHERE id = $1::uuid AND tenant_id = $2::uuid", [id, tenantID]
            ).first?.decode(String.self, at: 0)
            let rows = try connection.query(
                """
                SELECT seq, event, data::text, fetched FROM (
                    SELECT seq, event, data, count(*) OVER () AS fetched,
                           sum(size) OVER (ORDER BY seq) - size AS before
                    FROM (
                        SELECT seq, event, data, coalesce(bytes, octet_length(data::text)) AS size FROM live_updates
                        WHERE subject_id = $1::uuid AND tenant_id = $2::uuid AND seq > $3 ORDER BY seq LIMIT \(pageSize + 1)
                    ) candidates
                ) page
                WHERE before < \(pageBytes) ORDER BY seq LIMIT \(pageSize)
                """, [id, tenantID, after])
            let updates = try rows.map {
                Update(seq: try $0.decode(Int.self, at: 0), event: try $0.decode(String.self, at: 1), data: try $0.decode(String.self, at: 2))
            }
            let fetched = try rows.first?.decode(Int.self, at: 3) ?? 0
            return (updates, fetched > updates.count, status.map(subject.finalStatuses.contains) ?? true)
        }
    }
}
