// Carousel image generation as a pipeline: the generation API, generations followed live.

public import Hummingbird
public import SwitchyardAPI
public import SwitchyardPipeline
public import SwitchyardRuntime

/// Carousel generation: credits and daily limits checked at the API, generations followed live.
public struct ImagesPipeline: Pipeline {
    public let name = "images"

    public let roles: [RoleDescription] = []

    public let emits = ["generation.requested"]

    public let liveSubjects = [
        LiveSubject(
            route: "generations", table: "generation_jobs", name: "generation",
            finalStatuses: Set(GenerationStatus.final.map(\.rawValue))),
    ]

    /// Creates the pipeline's declaration.
    public init() {}

    public func makeRoles(named names: [String], context: RoleContext) throws -> [any WorkerRole] {
        []
    }

    public func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) {
        GenerationsController(context: context).addRoutes(to: router)
    }
}
