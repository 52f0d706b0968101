// Carousel image generation as a pipeline: the `imagegen` role, the generation API,
// generations followed live.

public import Hummingbird
public import SwitchyardAPI
import SwitchyardBlobStore
import SwitchyardGraphics
public import SwitchyardPipeline
import SwitchyardPostgres
import SwitchyardProviders
public import SwitchyardRuntime
import Logging

/// Carousel generation: credits and daily limits checked at the API; the `imagegen` role writes
/// the content strategy, draws each slide (fan-out), stores it, completes the generation and
/// charges its credits once (fan-in); progress followed live.
public struct ImagesPipeline: Pipeline {
    public let name = "images"

    public let roles = [
        RoleDescription(
            name: "imagegen", summary: "writes a carousel's content strategy, then draws and stores each slide",
            consumes: ["generation.requested", "generation.slide"]),
    ]

    public let emits = ["generation.requested", "generation.slide"]

    public let liveSubjects = [
        LiveSubject(
            route: "generations", table: "generation_jobs", name: "generation",
            finalStatuses: Set(GenerationStatus.final.map(\.rawValue)),
            parts: .init(
                title: "Slides", table: "carousel_slides", key: "generation_id", order: "slide_index",
                columns: ["slide_index", "title", "status", "width", "height", "bytes", "image_provider", "error"])),
    ]

    public let cancellations = [
        SubjectCancellation(route: "generations") { id, tenantID, connection in
            switch try GenerationStore.cancel(id: id, tenantID: tenantID, on: connection) {
            case .cancelled: .cancelled
            case .finished(let status): .finished(status)
            case .notFound: .notFound
            }
        },
    ]

    /// Where slide images are kept when `SWITCHYARD_BLOB_URL` is unset: the project's local state.
    public static let defaultBlobFolder = ".services/blobs"

    /// Creates the pipeline's declaration.
    public init() {}

    public func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole] {
        let providers = try ProvidersConfiguration(environment: context.environment)
        let configuration = try ImagesConfiguration(environment: context.environment)
        let blobs = try BlobStoreConfiguration(environment: context.environment, defaultFolder: Self.defaultBlobFolder).makeStore()
        let calls = ExternalCalls(
            usage: UsageLog(pool: context.pool, logger: context.logger),
            limits: ProviderLimits(pool: context.pool, limits: ["llm": providers.llmLimit, "images": configuration.limit]))
        let strategist: any CarouselStrategist = providers.languageModel.map { LanguageModelStrategist(client: $0.makeClient()) }
            ?? OfflineStrategist()
        let images: any ImageProvider = switch configuration.provider {
        case .offline: OfflineImageProvider(renderer: try await SlideRenderer())
        case .openai:
            OpenAIImageClient(
                baseURL: configuration.baseURL, apiKey: configuration.apiKey, model: configuration.model, timeout: configuration.timeout,
                maxBytes: configuration.maxBytes)
        case .gemini:
            GeminiImageClient(
                baseURL: configuration.baseURL, apiKey: configuration.apiKey, model: configuration.model, timeout: configuration.timeout,
                maxBytes: configuration.maxBytes)
        }
        context.logger.notice("images: strategy by \(strategist.name), slides by \(images.name), stored in \(blobs.description)")
        return names.map { _ in
            ImageGenerationRole(
                pool: context.pool, strategist: strategist, images: images, blobs: blobs, calls: calls, maxBytes: configuration.maxBytes)
        }
    }

    public func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws {
        let blobs = try BlobStoreConfiguration(environment: context.environment, defaultFolder: Self.defaultBlobFolder).makeStore()
        GenerationsController(context: context, blobs: blobs).addRoutes(to: router)
    }

    public func partImages(environment: [String: String]) throws -> [SubjectPartImages] {
        let blobs = try BlobStoreConfiguration(environment: environment, defaultFolder: Self.defaultBlobFolder).makeStore()
        return [
            SubjectPartImages(route: "generations") { id, index, tenantID, pool in
                let stored = try await pool.withConnection { connection in
                    try GenerationStore.slideImage(generationID: id, index: index, tenantID: tenantID, on: connection)
                }
                guard let stored, let blob = try await blobs.get(stored.blobKey) else { return nil }
                return SubjectPartImages.Image(bytes: blob.bytes, contentType: stored.contentType)
            },
        ]
    }
}
