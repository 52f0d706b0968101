// The external services of the development pipeline, each a protocol with a real HTTP client
// and an offline implementation that does honest, deterministic work without a network.

public import SwitchyardCore
public import SwitchyardProviders

/// Turns a transcript into a project analysis (an LLM, or rules offline).
public protocol ProjectAnalyst: Sendable {
    /// `offline` or the model's name, for logs and `api_usage`.
    var name: String { get }
    /// Analyses `transcript`.
    func analyse(_ transcript: Transcript) async throws(ProviderError) -> ProjectAnalysis
}

/// Turns an analysis into a ProjectPlan (an LLM, or a template offline).
public protocol ProjectPlanner: Sendable {
    /// `offline` or the model's name, for logs and `api_usage`.
    var name: String { get }
    /// A plan for `analysis`; `problems` are the validation errors of a previous attempt, for
    /// the planner to repair.
    func plan(_ analysis: ProjectAnalysis, repairing problems: [String]) async throws(ProviderError) -> JSONValue
}

/// Starts builds with the build service, which then reports through its webhooks.
public protocol BuildService: Sendable {
    /// `offline` or `kiro`, for logs and `api_usage`.
    var name: String { get }
    /// Starts building `plan` for `projectID`; the service calls `webhookURL` back. The same
    /// `idempotencyKey` never starts a second build.
    /// - Returns: The service's ids for the build and for the project.
    func startBuild(plan: JSONValue, projectID: String, webhookURL: String, idempotencyKey: String) async throws(ProviderError) -> StartedBuild
}

/// A build the build service accepted.
public struct StartedBuild: Sendable, Equatable {
    /// Its callbacks name it.
    public var buildID: String
    /// The service's own id for the project, when it gives one.
    public var serviceProjectID: String?

    /// Creates the ids.
    public init(buildID: String, serviceProjectID: String?) {
        self.buildID = buildID
        self.serviceProjectID = serviceProjectID
    }
}

/// Fetches a conversation's transcript from the video-call vendor's API.
public protocol TranscriptSource: Sendable {
    /// `offline` or the vendor's name.
    var name: String { get }
    /// The transcript of `conversationID`.
    func transcript(conversationID: String) async throws(ProviderError) -> Transcript
}

/// Offline there is no vendor to ask: a conversation must arrive with its transcript (or a
/// URL to download it from).
public struct OfflineTranscriptSource: TranscriptSource {
    public let name = "offline"

    public init() {}

    public func transcript(conversationID: String) async throws(ProviderError) -> Transcript {
        throw ProviderError(
            .permanent, "no_transcript",
            "conversation \(conversationID) arrived without a transcript and the offline transcript source fetches nothing "
                + "(send the transcript in the webhook, or configure the vendor's API)")
    }
}
