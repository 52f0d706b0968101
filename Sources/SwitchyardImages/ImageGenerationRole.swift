// The `imagegen` role: a requested generation gets its content strategy, then each slide its
// image in the blob store; the last slide completes the generation and charges its credits.

import Crypto
import Foundation
public import SwitchyardBlobStore
import SwitchyardCore
public import SwitchyardPostgres
public import SwitchyardProviders
public import SwitchyardRuntime

/// Consumes `generation.requested` and `generation.slide`.
///
/// - `generation.requested`: the generation shows `running` / "planning the carousel"; the
///   strategist writes `{title, slides}` with exactly `slide_count` slides (an invalid answer
///   gets one repair request, then the generation fails naming the problems); in the message's
///   transaction the strategy and its slides are stored, progress moves past the first step,
///   and one `generation.slide` per slide is emitted (fan-out: slides spread over the fleet and
///   retry alone).
/// - `generation.slide`: the slide's image is drawn (or fetched), checked (PNG/JPEG/WebP, at
///   most the size limit), stored under `generations/{id}/slide-{n}.{ext}` (a retry overwrites),
///   and recorded in the message's transaction, which also moves the progress and, for the last
///   slide, completes the generation and charges its credits once (fan-in).
///
/// A provider's permanent refusal (content policy, not an image), or a transient failure on the
/// last attempt, fails the generation naming the slide: nothing is charged and its reserved
/// credits are free again. Slides of a failed or cancelled generation are skipped.
public struct ImageGenerationRole: WorkerRole {
    public let name = "imagegen"
    private let pool: PostgresPool
    private let strategist: any CarouselStrategist
    private let images: any ImageProvider
    private let blobs: any BlobStore
    private let calls: ExternalCalls
    private let maxBytes: Int

    /// Creates the role.
    /// - Parameters:
    ///   - pool: The database.
    ///   - strategist: Writes the content strategy.
    ///   - images: Draws the slides.
    ///   - blobs: Where images are stored.
    ///   - calls: External calls within the fleet's limits, recorded in `api_usage`.
    ///   - maxBytes: The largest image accepted.
    public init(
        pool: PostgresPool, strategist: any CarouselStrategist, images: any ImageProvider, blobs: any BlobStore,
        calls: ExternalCalls, maxBytes: Int
    ) {
        self.pool = pool
        self.strategist = strategist
        self.images = images
        self.blobs = blobs
        self.calls = calls
        self.maxBytes = maxBytes
    }

    /// The blob key of a slide's image.
    public static func blobKey(generationID: String, index: Int, fileExtension: String) -> String {
        "generations/\(generationID)/slide-\(index).\(fileExtension)"
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        guard let event = try? JSONValue(parsing: message.body),
              let generationID = event["generation_id"]?.string, let uuid = UUID(uuidString: generationID)
        else {
            return .permanentFailure(HandlerFailure("validation", "\(message.type) needs a generation_id (UUID)"))
        }
        let id = uuid.uuidString.lowercased()
        switch message.type {
        case "generation.requested":
            return await planCarousel(id, message: message)
        case "generation.slide":
            let slides = GenerationsController.slideCounts
            guard let index = event["index"]?.integer, (Int64(slides.lowerBound)...Int64(slides.upperBound)).contains(index) else {
                return .permanentFailure(HandlerFailure("validation", "generation.slide needs an index \(slides.lowerBound)...\(slides.upperBound)"))
            }
            return await drawSlide(id, index: Int(index), message: message)
        default:
            return .permanentFailure(HandlerFailure("validation", "imagegen does not handle \(message.type)"))
        }
    }

    /// Loads the generation, checking that it belongs to the message's tenant.
    private func load(_ id: String, message: WorkMessage) async -> Result<CarouselStore.Generation?, HandlerFailure> {
        let generation: CarouselStore.Generation?
        do {
            generation = try await pool.withConnection { connection in try CarouselStore.generation(id, on: connection) }
        } catch {
            return .failure(.database("reading generation \(id)", error))
        }
        if let generation, let refusal = Self.foreign(generation, id, message) { return .failure(refusal) }
        return .success(generation)
    }

    /// The refusal of a message whose tenant is not the generation's.
    private static func foreign(_ generation: CarouselStore.Generation, _ id: String, _ message: WorkMessage) -> HandlerFailure? {
        guard let tenant = message.tenantID, tenant != generation.tenantID else { return nil }
        return HandlerFailure("forbidden", "generation \(id) belongs to another tenant than the message's (\(tenant))")
    }

    private func planCarousel(_ id: String, message: WorkMessage) async -> HandlerOutcome {
        let generation: CarouselStore.Generation
        switch await load(id, message: message) {
        case .failure(let failure): return failure.errorClass == "database" ? .transientFailure(failure) : .permanentFailure(failure)
        case .success(nil): return .permanentFailure(HandlerFailure("generation_not_found", "no generation \(id)"))
        case .success(let found?): generation = found
        }
        guard [.pending, .running].contains(generation.status) else { return .success(HandlerEffects()) }
        _ = try? await pool.withConnection { connection in try CarouselStore.markPlanning(id, on: connection) }

        var problems: [String] = []
        var strategy: CarouselStrategy?
        for attempt in 1...2 where strategy == nil {
            let repairing = problems
            let answer: JSONValue
            do {
                answer = try await calls.perform(
                    api: "llm", endpoint: attempt == 1 ? "carousel strategy" : "carousel strategy (repair)", provider: strategist.name,
                    tenantID: generation.tenantID, projectID: nil
                ) { () async throws(ProviderError) in
                    try await strategist.strategy(for: generation.prompt, slideCount: generation.slideCount, repairing: repairing)
                }
            } catch where error.errorClass == "invalid_json" {
                problems = [error.message]
                continue
            } catch where error.kind == .permanent || (message.isLastAttempt && !error.isFleetLimit) {
                return failGeneration(id, slide: nil, reason: "the content strategy failed: \(error.errorClass): \(error.message)")
            } catch {
                return .failed(error)
            }
            switch CarouselStrategy.validated(answer, slideCount: generation.slideCount) {
            case .success(let valid): strategy = valid
            case .failure(let invalid): problems = invalid.list
            }
        }
        guard let strategy else {
            return failGeneration(
                id, slide: nil, reason: "the content strategy is invalid after one repair: " + problems.joined(separator: "; "))
        }
        let followUps = (1...generation.slideCount).compactMap { index -> OutgoingEvent? in
            guard let body = try? JSONEncoder().encode(JSONValue.object(["v": 1, "generation_id": .string(id), "index": .int(Int64(index))]))
            else { return nil }
            return OutgoingEvent(type: "generation.slide", body: Array(body), correlationID: id, tenantID: generation.tenantID)
        }
        let strategistName = strategist.name
        return .success(HandlerEffects(write: { connection in
            _ = try CarouselStore.storeStrategy(strategy, generationID: id, strategist: strategistName, on: connection)
        }, followUps: followUps))
    }

    private func drawSlide(_ id: String, index: Int, message: WorkMessage) async -> HandlerOutcome {
        let pickedUp = Date()
        let found: (generation: CarouselStore.Generation, slide: CarouselStore.Slide?)?
        do {
            found = try await pool.withConnection { connection in try CarouselStore.generation(id, slide: index, on: connection) }
        } catch {
            return .databaseFailure("reading slide \(index) of \(id)", error)
        }
        guard let (generation, slide) = found else {
            return .permanentFailure(HandlerFailure("generation_not_found", "no generation \(id)"))
        }
        if let refusal = Self.foreign(generation, id, message) { return .permanentFailure(refusal) }
        // A failed, cancelled or completed generation draws nothing more.
        guard generation.status == .running else { return .success(HandlerEffects()) }
        guard let slide else { return .permanentFailure(HandlerFailure("slide_not_found", "generation \(id) has no slide \(index)")) }
        guard slide.status == "pending" else { return .success(HandlerEffects()) }

        let request = SlideRequest(
            index: index, total: generation.slideCount, title: slide.title, body: slide.body, imagePrompt: slide.imagePrompt,
            prompt: generation.prompt, background: generation.background, accent: generation.accent)
        // The provider's own time (not the limits check or the usage row around it).
        let bytes: [UInt8]
        let renderTime: Duration
        do {
            (bytes, renderTime) = try await calls.perform(
                api: "images", endpoint: "slide \(index)", provider: images.name, tenantID: generation.tenantID, projectID: nil
            ) { () async throws(ProviderError) in
                let started = ContinuousClock.now
                let image = try await images.image(for: request)
                return (image, ContinuousClock.now - started)
            }
        } catch where error.kind == .permanent || (message.isLastAttempt && !error.isFleetLimit) {
            return failGeneration(id, slide: index, reason: "\(error.errorClass): \(error.message)")
        } catch {
            return .failed(error)
        }
        guard bytes.count <= maxBytes else {
            return failGeneration(id, slide: index, reason: "invalid_image: \(bytes.count) bytes, more than the \(maxBytes) allowed")
        }
        guard let format = ImageFormat.sniff(bytes) else {
            return failGeneration(id, slide: index, reason: "invalid_image: the provider's answer is not a PNG, JPEG or WebP image")
        }
        let key = Self.blobKey(generationID: id, index: index, fileExtension: format.fileExtension)
        do {
            try await blobs.put(key, bytes, contentType: format.contentType)
        } catch {
            return .transientFailure(HandlerFailure("blob_store", "storing \(key): \(error)"))
        }
        let stored = CarouselStore.StoredImage(
            blobKey: key, format: format, bytes: bytes.count, sha256: HexText.lowercase(SHA256.hash(data: bytes)),
            provider: images.name, pickedUpAt: pickedUp, renderTime: renderTime)
        return .success(HandlerEffects(write: { connection in
            try CarouselStore.storeSlide(stored, generationID: id, index: index, on: connection)
        }))
    }

    /// Fails the generation in the message's transaction (and acknowledges the message).
    private func failGeneration(_ id: String, slide: Int?, reason: String) -> HandlerOutcome {
        .success(HandlerEffects(write: { connection in
            try CarouselStore.fail(id, slide: slide, reason: reason, on: connection)
        }))
    }
}
