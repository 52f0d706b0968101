// The development pipeline as a pipeline: conversation → analysis → plan → build, projects
// through the API and followed live.

public import Hummingbird
public import SwitchyardAPI
public import SwitchyardPipeline
public import SwitchyardRuntime

/// Conversation → analysis → plan → build, with the build service's callbacks.
public struct DevelopmentPipeline: Pipeline {
    public let name = "development"

    public let roles = [
        RoleDescription(
            name: "analysis", summary: "turns a finished conversation's transcript into a project", consumes: ["conversation.ended"]),
        RoleDescription(name: "planning", summary: "plans a project (a validated ProjectPlan)", consumes: ["plan.requested"]),
        RoleDescription(
            name: "build", summary: "starts a project's build and records the build service's reports",
            consumes: ["build.requested", "build.reported"]),
    ]

    public let emits = ["plan.requested", "build.requested"]

    public let liveSubjects = [
        LiveSubject(
            route: "projects", table: "projects", name: "project", finalStatuses: Set(ProjectStatus.final.map(\.rawValue))),
    ]

    /// Creates the pipeline's declaration.
    public init() {}

    public func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole] {
        try DevelopmentRoles.make(names, context: context)
    }

    public func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws {
        ProjectsController(context: context).addRoutes(to: router)
    }
}
