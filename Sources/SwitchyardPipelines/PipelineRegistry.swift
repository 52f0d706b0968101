// Every pipeline Switchyard runs: the one list `switchyard work`, the ingress and the tests read.

public import Hummingbird
public import SwitchyardAPI
import SwitchyardAutomations
import SwitchyardDevelopment
import SwitchyardDiagnostics
import SwitchyardImages
public import SwitchyardPipeline
public import SwitchyardRuntime
import SwitchyardWorkflows

/// The registry of pipelines. Adding a pipeline is one line here (and its module, topology
/// entries and migration).
public enum PipelineRegistry {
    /// Every pipeline, in the order help texts list them.
    public static let pipelines: [any Pipeline] = [
        DevelopmentPipeline(),
        ImagesPipeline(),
        WorkflowsPipeline(),
        AutomationsPipeline(),
        DiagnosticsPipeline(),
    ]

    /// Every role of every pipeline.
    public static var roles: [RoleDescription] {
        pipelines.flatMap(\.roles)
    }

    /// What clients can follow live, from every pipeline.
    public static var liveSubjects: [LiveSubject] {
        pipelines.flatMap(\.liveSubjects)
    }

    /// How operators cancel subjects, from every pipeline.
    public static var cancellations: [SubjectCancellation] {
        pipelines.flatMap(\.cancellations)
    }

    /// Where the console gets parts' pictures, from every pipeline.
    /// - Throws: A pipeline's ``ConfigurationError``.
    public static func partImages(environment: [String: String]) throws -> [SubjectPartImages] {
        try pipelines.flatMap { try $0.partImages(environment: environment) }
    }

    /// The pipeline that declares `role`.
    public static func pipeline(declaring role: String) -> (any Pipeline)? {
        pipelines.first { $0.roles.contains { $0.name == role } }
    }

    /// Builds the roles called `names`, each by its pipeline, in the order given.
    /// - Throws: ``RegistryError`` for a name no pipeline declares; a pipeline's
    ///   ``ConfigurationError``.
    public static func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole] {
        var built: [String: any WorkerRole] = [:]
        for pipeline in pipelines {
            let mine = names.filter { name in pipeline.roles.contains { $0.name == name } }
            guard !mine.isEmpty else { continue }
            for role in try await pipeline.makeRoles(named: mine, context: context) { built[role.name] = role }
        }
        return try names.map { name in
            guard let role = built[name] else { throw RegistryError(unknownRole: name) }
            return role
        }
    }

    /// Adds every pipeline's routes.
    /// - Throws: A pipeline's ``ConfigurationError``.
    public static func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws {
        for pipeline in pipelines { try pipeline.addRoutes(to: router, context: context) }
    }
}

/// A role no pipeline declares.
public struct RegistryError: Error, CustomStringConvertible {
    /// The name asked for.
    public var role: String

    init(unknownRole role: String) {
        self.role = role
    }

    public var description: String {
        "unknown role '\(role)'; the pipelines declare \(PipelineRegistry.roles.map(\.name).joined(separator: ", "))"
    }
}
