// The workflow engine as a pipeline: the `workflow` role, the workflow, transformer and job
// APIs, jobs followed live.

public import Hummingbird
public import SwitchyardAPI
import SwitchyardHTTP
public import SwitchyardPipeline
import SwitchyardProviders
public import SwitchyardRuntime
import SwitchyardTranscription

/// The generic workflow engine: tenants' workflows of transformer steps, one `workflow.step`
/// message per step.
public struct WorkflowsPipeline: Pipeline {
    public let name = "workflows"

    public let roles = [
        RoleDescription(
            name: "workflow", summary: "runs one step of a job per workflow.step message",
            consumes: ["workflow.step"]),
    ]

    public let emits = ["workflow.step"]

    public let liveSubjects = [
        LiveSubject(route: "jobs", table: "jobs", name: "job", finalStatuses: Set(JobStatus.final.map(\.rawValue))),
    ]

    public let cancellations = [
        SubjectCancellation(route: "jobs") { id, tenantID, connection in
            do {
                return try JobStore.cancel(id: id, tenantID: tenantID, on: connection) ? .cancelled : .notFound
            } catch JobStore.Refusal.finished(let status) {
                return .finished(status)
            }
        },
    ]

    /// The most `http` steps (and their requests) a worker runs at once.
    static let httpConcurrency = 32

    /// Creates the pipeline's declaration.
    public init() {}

    public func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole] {
        let providers = try ProvidersConfiguration(environment: context.environment)
        let transcription = try TranscriptionConfiguration(environment: context.environment)
        let secretBox = try SecretBox(environment: context.environment)
        let calls = ExternalCalls(
            usage: UsageLog(pool: context.pool, logger: context.logger),
            limits: ProviderLimits(pool: context.pool, limits: [
                "llm": providers.llmLimit, "transcribe": try EnvironmentReader(context.environment).limit("SWITCHYARD_TRANSCRIBE"),
            ]))
        let http = HTTPClient(configuration: HTTPClient.Configuration(
            maxConcurrentRequests: Self.httpConcurrency, maxRedirects: 3, outboundPolicy: providers.outboundPolicy))
        let transformers: [TransformerType: any StepTransformer] = [
            .echo: PassThroughTransformer(),
            .map: PassThroughTransformer(),
            .http: HTTPTransformer(client: http),
            .llm: LanguageModelTransformer(client: providers.languageModel?.makeClient(), calls: calls),
            .transcribe: TranscribeTransformer(
                transcriber: transcription.makeTranscriber(downloads: http), calls: calls, maxAudioBytes: transcription.maxAudioBytes),
            .delay: DelayTransformer(),
        ]
        return names.map { _ in
            WorkflowRole(
                pool: context.pool, topology: context.topology, transformers: transformers, secretBox: secretBox, logger: context.logger)
        }
    }

    public func addRoutes(to router: Router<IngressRequestContext>, context: RouteContext) throws {
        try JobsController(context: context).addRoutes(to: router)
        WorkflowsController(context: context).addRoutes(to: router)
        TransformersController(context: context, secretBox: try SecretBox(environment: context.environment)).addRoutes(to: router)
    }
}
