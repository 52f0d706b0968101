// What a pipeline is: its roles, the events they consume and emit, what clients can follow
// live, and its API routes, declared in one place.

public import Hummingbird
public import SwitchyardAPI
public import SwitchyardRuntime

/// One of the systems Switchyard runs (the development pipeline, the workflow engine, ...),
/// declared in one place: the registry (`SwitchyardPipelines`) lists every pipeline, and
/// `switchyard work`, the ingress and the tests read them from there.
///
/// Adding a pipeline is its module with a type conforming to this protocol, its entries in
/// `topology/switchyard.yaml` (one per role), its migration, and one line in the registry.
public protocol Pipeline: Sendable {
    /// The pipeline's name (`development`, `workflows`, ...).
    var name: String { get }
    /// Its worker roles; each must be a role of the topology.
    var roles: [RoleDescription] { get }
    /// The event types its roles emit (follow-ups and first messages).
    var emits: [String] { get }
    /// What clients can follow over Server-Sent Events.
    var liveSubjects: [LiveSubject] { get }
    /// How operators cancel its subjects (those that can be cancelled).
    var cancellations: [SubjectCancellation] { get }

    /// Builds the roles called `names` (all of them this pipeline's) for one worker process,
    /// sharing what they share (provider clients, configuration).
    /// - Throws: ``ConfigurationError`` naming a variable with a bad value.
    func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole]

    /// Adds the pipeline's API routes.
    /// - Throws: ``ConfigurationError`` naming a variable with a bad value.
    func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws

    /// Where the operator console gets the pictures of its subjects' parts.
    /// - Parameter environment: The process's environment, for the pipeline's own settings.
    /// - Throws: ``ConfigurationError`` naming a variable with a bad value.
    func partImages(environment: [String: String]) throws -> [SubjectPartImages]
}

extension Pipeline {
    /// By default a pipeline emits nothing.
    public var emits: [String] { [] }
    /// By default a pipeline has nothing to follow live.
    public var liveSubjects: [LiveSubject] { [] }
    /// By default nothing of a pipeline's can be cancelled.
    public var cancellations: [SubjectCancellation] { [] }
    /// By default a pipeline has no routes.
    public func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws {}
    /// By default a pipeline's parts have no pictures.
    public func partImages(environment: [String: String]) throws -> [SubjectPartImages] { [] }
}

/// A worker role as its pipeline declares it.
public struct RoleDescription: Sendable, Hashable {
    /// The role's name in the topology.
    public var name: String
    /// What it does, for `switchyard work --help`.
    public var summary: String
    /// The event types (topic patterns) it consumes, as the topology binds them.
    public var consumes: [String]

    /// Creates a description.
    public init(name: String, summary: String, consumes: [String]) {
        self.name = name
        self.summary = summary
        self.consumes = consumes
    }
}
