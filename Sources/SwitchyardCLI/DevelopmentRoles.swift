// The development pipeline's roles, with the providers the configuration chooses.

import Logging
import Switchyard
import SwitchyardDevelopment
import SwitchyardHTTP
import SwitchyardPostgres
import SwitchyardRedaction
import SwitchyardRuntime

/// Builds `analysis`, `planning` and `build` from `SWITCHYARD_*` settings (read only when one
/// of them is asked for, so other roles don't depend on these variables).
struct DevelopmentRoles {
    private let roles: [String: any WorkerRole]

    init(roles names: [String], pool: PostgresPool, logger: Logger) throws {
        guard names.contains(where: { ["analysis", "planning", "build"].contains($0) }) else {
            roles = [:]
            return
        }
        let configuration = try DevelopmentConfiguration()
        let calls = ExternalCalls(
            usage: UsageLog(pool: pool, logger: logger),
            limits: ProviderLimits(pool: pool, limits: ["llm": configuration.llmLimit, "build_service": configuration.buildServiceLimit]))
        // Each provider has a client (and so slots) of its own: a slow transcript URL or vendor
        // never holds up the LLM's calls, nor the other way round.
        let analyst: any ProjectAnalyst
        let planner: any ProjectPlanner
        if let settings = configuration.openAI {
            let client = OpenAIChatClient(
                baseURL: settings.baseURL, apiKey: settings.apiKey, model: settings.model, timeout: settings.timeout, client: HTTPClient())
            (analyst, planner) = (LanguageModelAnalyst(client: client), LanguageModelPlanner(client: client))
            logger.notice("LLM: \(settings.model) at \(Redaction.url(settings.baseURL))")
        } else {
            (analyst, planner) = (OfflineAnalyst(), OfflinePlanner())
            logger.notice("LLM: offline (rule-based analysis, template plan; no model, no network)")
        }
        logger.notice("URLs from events (transcript_url) may reach public addresses and SWITCHYARD_OUTBOUND_ALLOW: \(configuration.outboundPolicy)")
        var roles: [String: any WorkerRole] = [
            "analysis": AnalysisRole(
                analyst: analyst,
                transcripts: configuration.transcripts.map { VendorTranscriptClient(baseURL: $0.baseURL, apiKey: $0.apiKey, client: HTTPClient()) }
                    ?? OfflineTranscriptSource(),
                download: TranscriptDownload(policy: configuration.outboundPolicy), calls: calls),
            "planning": PlanningRole(pool: pool, planner: planner, calls: calls),
        ]
        if names.contains("build"), let settings = configuration.buildService {
            logger.notice("build service: \(Redaction.url(settings.baseURL))")
            roles["build"] = BuildRole(
                pool: pool, service: BuildServiceClient(baseURL: settings.baseURL, apiKey: settings.apiKey, client: HTTPClient()),
                publicURL: configuration.publicURL, calls: calls)
        } else if names.contains("build") {
            guard let signer = configuration.buildWebhookSigner else {
                throw ConfigurationError(
                    variable: "SWITCHYARD_WEBHOOK_SECRET_KIRO",
                    problem: "unset; the offline build simulator signs its callbacks with it (the ingress verifies them with the same)")
            }
            logger.notice("build service: offline simulator (no network); callbacks go to \(Redaction.url(configuration.publicURL))/v1/webhooks/kiro")
            roles["build"] = BuildRole(
                pool: pool, service: OfflineBuildService(signer: signer, logger: logger), publicURL: configuration.publicURL, calls: calls)
        }
        self.roles = roles
    }

    /// The role called `name`, if it is one of these.
    func role(named name: String) -> (any WorkerRole)? {
        roles[name]
    }
}
