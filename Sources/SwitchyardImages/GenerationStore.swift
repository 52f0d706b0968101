// `generation_jobs` and the users' credits as the generation API reads and writes them.

import Foundation
import SwitchyardCore
import SwitchyardPostgres

/// Carousel generations: requested against a user's credits and daily limit, read in full.
/// Every statement names the tenant; run them in the tenant's transaction.
enum GenerationStore {
    /// Why a generation can't be requested.
    enum Refusal: Error {
        /// No such user in the tenant.
        case unknownUser
        /// The user's credits not reserved by unfinished generations don't cover the cost.
        case insufficientCredits(available: Int)
        /// The user made `limit` generations today (UTC); the count resets in `retryAfter` seconds.
        case dailyLimitReached(limit: Int, retryAfter: Int)
    }

    /// The creation answer `{"generation_id","status","credits_cost","created_at"}`.
    static func creationAnswer(generationID: String, cost: Int, on connection: isolated PostgresConnection) throws -> String {
        try connection.query(
            """
            SELECT json_build_object('generation_id', $1::uuid, 'status', $2::text, 'credits_cost', $3::int,
                                     'created_at', switchyard_time(now()))::text
            """, [generationID, GenerationStatus.pending.rawValue, cost])[0].decode(String.self, at: 0)
    }

    /// Reserves `slideCount` credits of the user (one per slide) under a lock on the user's
    /// row, checks the daily limit, and inserts the pending generation.
    ///
    /// The lock is a statement of its own. Under `READ COMMITTED` a statement reads what was
    /// committed when it started: one that waited for the lock inside a statement that also
    /// sums the user's generations would sum them as they were before the holder committed, so
    /// concurrent requests each saw the credits that the others were reserving. The sums come
    /// in the next statement, which starts once the lock is held.
    /// - Returns: The `generation.requested` message.
    /// - Throws: ``Refusal`` when the user can't have it.
    static func request(
        generationID: String, tenantID: String, externalUserID: String, prompt: String, slideCount: Int, style: String?,
        on connection: isolated PostgresConnection
    ) throws -> OutgoingEvent {
        let locked = try connection.query(
            "SELECT id::text FROM users WHERE tenant_id = $1::uuid AND external_id = $2 FOR UPDATE", [tenantID, externalUserID])
        guard let userID = try locked.first?.decode(String.self, at: 0) else { throw Refusal.unknownUser }
        let users = try connection.query(
            """
            SELECT u.id::text, u.credits - coalesce((
                       SELECT sum(g.credits_cost) FROM generation_jobs g
                       WHERE g.user_id = u.id AND g.credits_charged_at IS NULL AND g.status = ANY($2::text[])), 0),
                   u.daily_generation_limit,
                   (SELECT count(*) FROM generation_jobs g
                    WHERE g.user_id = u.id AND g.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
                   ceil(extract(epoch FROM (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC' - now()))::int
            FROM users u WHERE u.id = $1::uuid AND u.tenant_id = $3::uuid
            """, [userID, "{\(GenerationStatus.unfinished.map(\.rawValue).sorted().joined(separator: ","))}", tenantID])
        guard let user = users.first else { throw Refusal.unknownUser }
        let available = try user.decode(Int.self, at: 1)
        guard available >= slideCount else { throw Refusal.insufficientCredits(available: available) }
        let limit = try user.decode(Int.self, at: 2)
        guard try user.decode(Int.self, at: 3) < limit else {
            throw Refusal.dailyLimitReached(limit: limit, retryAfter: max(1, try user.decode(Int.self, at: 4)))
        }
        try connection.execute(
            """
            INSERT INTO generation_jobs (id, tenant_id, user_id, prompt, slide_count, credits_cost, style)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $5, $6::jsonb)
            """, [generationID, tenantID, try user.decode(String.self, at: 0), prompt, slideCount, style])
        let event = try JSONEncoder().encode(JSONValue.object(["v": 1, "generation_id": .string(generationID)]))
        return OutgoingEvent(type: "generation.requested", body: Array(event), correlationID: generationID, tenantID: tenantID)
    }

    /// A generation as the API's JSON, or nil.
    static func find(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            """
            SELECT \(GenerationRepresentation.full) FROM generation_jobs g JOIN users u ON u.id = g.user_id
            WHERE g.id = $1::uuid AND g.tenant_id = $2::uuid
            """, [id, tenantID]).first?.decode(String.self, at: 0)
    }

    /// What cancelling did.
    enum Cancellation {
        /// Cancelled now: the generation as the API's JSON.
        case cancelled(String)
        /// It had finished already, with this status.
        case finished(String)
        /// No such generation of the tenant's.
        case notFound
    }

    /// Cancels a pending or running generation: nothing is charged, its reserved credits are
    /// free again, and its remaining slides are skipped by the workers.
    static func cancel(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> Cancellation {
        let updated = try connection.execute(
            """
            UPDATE generation_jobs SET status = 'cancelled', progress_message = 'cancelled', completed_at = now(), updated_at = now()
            WHERE id = $1::uuid AND tenant_id = $2::uuid AND status IN ('pending', 'running')
            """, [id, tenantID])
        let status = try connection.query(
            "SELECT status FROM generation_jobs WHERE id = $1::uuid AND tenant_id = $2::uuid", [id, tenantID]
        ).first?.decode(String.self, at: 0)
        guard let status else { return .notFound }
        guard updated == 1, let generation = try find(id: id, tenantID: tenantID, on: connection) else { return .finished(status) }
        return .cancelled(generation)
    }

    /// Where slide `index`'s image is stored, once it is, and its content type.
    static func slideImage(
        generationID: String, index: Int, tenantID: String, on connection: isolated PostgresConnection
    ) throws -> (blobKey: String, contentType: String)? {
        guard let row = try connection.query(
            """
            SELECT blob_key, content_type FROM carousel_slides
            WHERE generation_id = $1::uuid AND slide_index = $2 AND tenant_id = $3::uuid AND status = 'completed'
            """, [generationID, index, tenantID]).first,
            let key = try row.decode(String?.self, at: 0), let type = try row.decode(String?.self, at: 1)
        else { return nil }
        return (key, type)
    }
}
