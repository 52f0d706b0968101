// Chatbot automations as a pipeline: the `automations` role, the chatbot, automation and
// execution APIs, executions followed live.

public import Hummingbird
public import SwitchyardAPI
public import SwitchyardPipeline
public import SwitchyardRuntime

/// The chatbot automation platform: a tenant's chatbots emit `chatbot.*` events; automations
/// attached to one chatbot match them against their trigger and run a workflow on the engine;
/// every execution is recorded and follows its job.
public struct AutomationsPipeline: Pipeline {
    public let name = "automations"

    public let roles = [
        RoleDescription(
            name: "automations", summary: "matches chatbot.* events against their chatbot's automations and starts their workflows",
            consumes: ["chatbot.#"]),
    ]

    public let emits = ["workflow.step"]

    public let liveSubjects = [
        LiveSubject(
            route: "executions", table: "automation_executions", name: "execution",
            finalStatuses: ["completed", "failed", "cancelled"]),
    ]

    /// Creates the pipeline's declaration.
    public init() {}

    public func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole] {
        names.map { _ in AutomationRole(pool: context.pool, logger: context.logger) }
    }

    public func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws {
        ChatbotsController(context: context).addRoutes(to: router)
        AutomationsController(context: context).addRoutes(to: router)
        ExecutionsController(context: context).addRoutes(to: router)
    }
}
