// Carousel image generations: request one (credits and daily limit checked), read it.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Switchyard
import SwitchyardPostgres
import SwitchyardRuntime

/// `POST /v1/generations` and `GET /v1/generations/{id}`.
///
/// A request names the tenant's user (`user_id`, the producer's own id for them), a prompt and
/// a slide count; it costs one credit per slide. Under a lock on the user's row it checks that
/// the credits not yet spoken for by unfinished generations cover the cost (else 402) and that
/// the user is under their daily limit of generations (else 429 until the next UTC midnight),
/// then commits the generation and its `generation.requested` message (outbox) together. The
/// imagegen worker charges the credits, once.
struct GenerationsController: Sendable {
    let configuration: IngressConfiguration
    let pool: PostgresPool
    let authentication: CallerAuthentication
    let outbox: OutboxWriter
    let logger: Logger

    static let slideCounts = 1...10
    static let defaultSlideCount = 5
    static let maxPromptLength = 2_000

    /// A validated request.
    private struct Requested {
        var userID: String
        var prompt: String
        var slideCount: Int
    }

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.post("v1/generations") { request, context in try await create(request, from: context.clientAddress) }
        router.get("v1/generations/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "generation")
            let generation = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try connection.query(
                    """
                    SELECT \(Representation.generation) FROM generation_jobs g JOIN users u ON u.id = g.user_id
                    WHERE g.id = $1::uuid AND g.tenant_id = $2::uuid
                    """, [id, caller.tenantID]).first?.decode(String.self, at: 0)
            }
            guard let generation else { throw APIError.notFound("generation") }
            return IngressServer.json(generation)
        }
    }

    func create(_ request: Request, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        try request.requireJSON()
        let bytes = try await request.body(upTo: configuration.bodyLimit)
        let requested = try Self.parse(try JSONBody.parse(bytes))
        let idempotencyKey = try IdempotencyKey(of: request, body: bytes)
        let generationID = UUID().uuidString.lowercased()
        let outbox = outbox
        let answer = try await pool.asTenant(caller.tenantID, logger: logger) { connection -> String in
            let answer = try connection.query(
                "SELECT json_build_object('generation_id', $1::uuid, 'status', 'pending', 'credits_cost', $2::int, 'created_at', switchyard_time(now()))::text",
                [generationID, requested.slideCount])[0].decode(String.self, at: 0)
            if let earlier = try idempotencyKey?.claim(answer: answer, tenantID: caller.tenantID, on: connection) {
                return earlier
            }
            let users = try connection.query(
                """
                SELECT u.id::text, u.credits - coalesce((
                           SELECT sum(g.credits_cost) FROM generation_jobs g
                           WHERE g.user_id = u.id AND g.credits_charged_at IS NULL AND g.status IN ('pending', 'running')), 0),
                       u.daily_generation_limit,
                       (SELECT count(*) FROM generation_jobs g
                        WHERE g.user_id = u.id AND g.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
                       ceil(extract(epoch FROM (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC' - now()))::int
                FROM users u WHERE u.tenant_id = $1::uuid AND u.external_id = $2
                FOR UPDATE OF u
                """, [caller.tenantID, requested.userID])
            guard let user = users.first else {
                throw APIError(.unprocessableContent, "unknown_user", "no user '\(requested.userID)' in this tenant", field: "user_id")
            }
            let available = try user.decode(Int.self, at: 1)
            guard available >= requested.slideCount else {
                throw APIError(.init(code: 402, reasonPhrase: "Payment Required"), "insufficient_credits",
                               "the generation costs \(requested.slideCount) credits, the user has \(available) available", field: "slide_count")
            }
            let limit = try user.decode(Int.self, at: 2)
            guard try user.decode(Int.self, at: 3) < limit else {
                throw APIError(.tooManyRequests, "daily_limit_reached",
                               "the user reached their daily limit of \(limit) generations", field: "user_id",
                               retryAfter: max(1, try user.decode(Int.self, at: 4)))
            }
            try connection.execute(
                """
                INSERT INTO generation_jobs (id, tenant_id, user_id, prompt, slide_count, credits_cost)
                VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $5)
                """, [generationID, caller.tenantID, try user.decode(String.self, at: 0), requested.prompt, requested.slideCount])
            let event = try JSONEncoder().encode(JSONValue.object(["v": 1, "generation_id": .string(generationID)]))
            try outbox.insert(
                [OutgoingEvent(type: "generation.requested", body: Array(event), correlationID: generationID, tenantID: caller.tenantID)],
                tenantID: caller.tenantID, on: connection)
            try outbox.notify(on: connection)
            return answer
        }
        return IngressServer.json(answer, status: .created)
    }

    /// `{"user_id": "...", "prompt": "...", "slide_count": 1...10}`.
    private static func parse(_ json: JSONValue) throws(APIError) -> Requested {
        func invalid(_ field: String, _ message: String) -> APIError {
            APIError(.unprocessableContent, "invalid_generation", message, field: field)
        }
        guard case .object(let members) = json else {
            throw APIError(.unprocessableContent, "invalid_generation", "expected an object, got \(json.kindName)")
        }
        if let unknown = members.keys.sorted().first(where: { !["user_id", "prompt", "slide_count"].contains($0) }) {
            throw invalid(unknown, "unknown field; expected user_id, prompt, slide_count")
        }
        try JSONBody.requireStorable(json, field: "")
        guard let userID = members["user_id"]?.string, !userID.isEmpty else {
            throw invalid("user_id", "expected a non-empty string, got \(members["user_id"]?.kindName ?? "nothing")")
        }
        guard let prompt = members["prompt"]?.string, !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
              prompt.count <= maxPromptLength
        else {
            throw invalid("prompt", "expected a non-empty string of at most \(maxPromptLength) characters")
        }
        var slideCount = defaultSlideCount
        if let value = members["slide_count"] {
            guard let count = value.integer, slideCounts.contains(Int(count)) else {
                throw invalid("slide_count", "expected an integer \(slideCounts.lowerBound)...\(slideCounts.upperBound), got \(value)")
            }
            slideCount = Int(count)
        }
        return Requested(userID: userID, prompt: prompt, slideCount: slideCount)
    }
}
