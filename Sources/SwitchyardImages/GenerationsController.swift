// Carousel image generations: request one (credits and daily limit checked), read it.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Switchyard
import SwitchyardAPI
import SwitchyardBlobStore
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPostgres

/// `POST /v1/generations`, `GET /v1/generations/{id}` (with its slides),
/// `POST /v1/generations/{id}/cancel` and `GET /v1/generations/{id}/slides/{index}` (the image).
///
/// A request names the tenant's user (`user_id`, the producer's own id for them), a prompt and
/// a slide count; it costs one credit per slide. Under a lock on the user's row it checks that
/// the credits not yet spoken for by unfinished generations cover the cost (else 402) and that
/// the user is under their daily limit of generations (else 429 until the next UTC midnight),
/// then commits the generation and its `generation.requested` message (outbox) together. The
/// imagegen worker charges the credits, once.
struct GenerationsController: RouteController {
    let context: RouteContext
    let blobs: any BlobStore
    /// A slide the blob store did not give (one per request while it is down).
    let slideNotRead = ThrottledWarning("reading slides from the blob store failed")

    static let slideCounts = 1...10
    static let defaultSlideCount = 5
    static let maxPromptLength = 2_000
    /// The longest `user_id`, as `switchyard users grant --user` takes it.
    static let maxUserIDLength = 200

    /// A validated request.
    private struct Requested {
        var userID: String
        var prompt: String
        var slideCount: Int
        /// `{"background","accent"}` as JSON text, when given.
        var style: String?
    }

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.post("v1/generations") { request, context in try await create(request, from: context.clientAddress) }
        router.get("v1/generations/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "generation")
            let generation = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try GenerationStore.find(id: id, tenantID: caller.tenantID, on: connection)
            }
            guard let generation else { throw APIError.notFound("generation") }
            return APIResponse.json(generation)
        }
        router.post("v1/generations/:id/cancel") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "generation")
            let outcome = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try GenerationStore.cancel(id: id, tenantID: caller.tenantID, on: connection)
            }
            switch outcome {
            case .cancelled(let generation): return APIResponse.json(generation, status: .accepted)
            case .finished(let status):
                throw APIError(.conflict, "already_finished", "the generation is \(status) and can't be cancelled", field: "id")
            case .notFound: throw APIError.notFound("generation")
            }
        }
        router.get("v1/generations/:id/slides/:index") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "generation")
            guard let index = context.parameters.get("index").flatMap(Int.init), (1...GenerationsController.slideCounts.upperBound).contains(index)
            else { throw APIError.notFound("slide") }
            let stored = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try GenerationStore.slideImage(generationID: id, index: index, tenantID: caller.tenantID, on: connection)
            }
            guard let stored else { throw APIError.notFound("slide") }
            let blob: Blob?
            do {
                blob = try await blobs.get(stored.blobKey)
            } catch {
                slideNotRead.log(to: logger, metadata: ["key": "\(stored.blobKey)", "error": "\(error)"])
                throw APIError.unavailable("the blob store")
            }
            guard let blob else { throw APIError.notFound("slide") }
            return Response(
                status: .ok, headers: [.contentType: stored.contentType, .cacheControl: "private, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: blob.bytes)))
        }
    }

    func create(_ request: Request, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        try request.requireJSON()
        let bytes = try await request.body(upTo: bodyLimit)
        let requested = try Self.parse(try JSONBody.parse(bytes))
        let idempotencyKey = try IdempotencyKey(of: request, body: bytes)
        let generationID = UUID().uuidString.lowercased()
        let answer = try await creation.create(tenantID: caller.tenantID, key: idempotencyKey) { connection in
            try GenerationStore.creationAnswer(generationID: generationID, cost: requested.slideCount, on: connection)
        } insert: { connection in
            do {
                return [try GenerationStore.request(
                    generationID: generationID, tenantID: caller.tenantID, externalUserID: requested.userID, prompt: requested.prompt,
                    slideCount: requested.slideCount, style: requested.style, on: connection)]
            } catch let refusal as GenerationStore.Refusal {
                throw refusal.apiError(requested.slideCount, userID: requested.userID)
            }
        }
        return APIResponse.json(answer, status: .created)
    }

    /// `{"user_id": "...", "prompt": "...", "slide_count": 1...10}`.
    private static func parse(_ json: JSONValue) throws(APIError) -> Requested {
        func invalid(_ field: String, _ message: String) -> APIError {
            APIError(.unprocessableContent, "invalid_generation", message, field: field)
        }
        guard case .object(let members) = json else {
            throw APIError(.unprocessableContent, "invalid_generation", "expected an object, got \(json.kindName)")
        }
        if let unknown = members.keys.sorted().first(where: { !["user_id", "prompt", "slide_count", "style"].contains($0) }) {
            throw invalid(unknown, "unknown field; expected user_id, prompt, slide_count, style")
        }
        try JSONBody.requireStorable(json, field: "")
        guard let userID = members["user_id"]?.string, !userID.isEmpty, userID.count <= maxUserIDLength else {
            let got = members["user_id"]?.string.map { "\($0.count) characters" } ?? members["user_id"]?.kindName ?? "nothing"
            throw invalid("user_id", "expected a string of 1-\(maxUserIDLength) characters, got \(got)")
        }
        guard let prompt = members["prompt"]?.string, !prompt.isBlank,
              prompt.count <= maxPromptLength
        else {
            throw invalid("prompt", "expected a non-empty string of at most \(maxPromptLength) characters")
        }
        var slideCount = defaultSlideCount
        if let value = members["slide_count"] {
            guard let count = value.integer, slideCounts.contains(Int(count)) else {
                throw invalid("slide_count", "expected an integer \(slideCounts.lowerBound)...\(slideCounts.upperBound), got \(value.excerpt())")
            }
            slideCount = Int(count)
        }
        var style: String?
        if let value = members["style"] {
            guard case .object(let colours) = value else { throw invalid("style", "expected {\"background\": \"#RRGGBB\", \"accent\": \"#RRGGBB\"}") }
            for (name, colour) in colours {
                guard ["background", "accent"].contains(name) else { throw invalid("style.\(name)", "unknown field; expected background, accent") }
                guard let text = colour.string, text.wholeMatch(of: /#[0-9A-Fa-f]{6}/) != nil else {
                    throw invalid("style.\(name)", "expected a colour #RRGGBB, got \(colour)")
                }
            }
            style = String(decoding: (try? JSONEncoder().encode(value)) ?? Data("{}".utf8), as: UTF8.self)
        }
        return Requested(userID: userID, prompt: prompt, slideCount: slideCount, style: style)
    }
}

extension GenerationStore.Refusal {
    /// The answer to the client.
    func apiError(_ cost: Int, userID: String) -> APIError {
        switch self {
        case .unknownUser:
            APIError(.unprocessableContent, "unknown_user", "no user '\(userID)' in this tenant", field: "user_id")
        case .insufficientCredits(let available):
            APIError(.init(code: 402, reasonPhrase: "Payment Required"), "insufficient_credits",
                     "the generation costs \(cost) credits, the user has \(available) available", field: "slide_count")
        case .dailyLimitReached(let limit, let retryAfter):
            APIError(.tooManyRequests, "daily_limit_reached", "the user reached their daily limit of \(limit) generations",
                     field: "user_id", retryAfter: retryAfter)
        }
    }
}
