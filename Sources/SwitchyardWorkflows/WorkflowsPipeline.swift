// The workflow engine as a pipeline: the `workflow` role, the job API, jobs followed live.

public import Hummingbird
public import SwitchyardAPI
public import SwitchyardPipeline
public import SwitchyardRuntime

/// The generic workflow engine: jobs of tenants' workflows, one `workflow.step` message per step.
public struct WorkflowsPipeline: Pipeline {
    public let name = "workflows"

    public let roles = [
        RoleDescription(
            name: "workflow", summary: "runs one step of a job per workflow.step message",
            consumes: ["workflow.step", "chatbot.#"]),
    ]

    public let emits = ["workflow.step"]

    public let liveSubjects = [
        LiveSubject(route: "jobs", table: "jobs", name: "job", finalStatuses: Set(JobStatus.final.map(\.rawValue))),
    ]

    /// Creates the pipeline's declaration.
    public init() {}

    public func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole] {
        names.map { _ in WorkflowRole(pool: context.pool) }
    }

    public func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws {
        JobsController(context: context).addRoutes(to: router)
    }
}
