// The development pipeline's roles, with the providers the configuration chooses.

import Logging
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardPipeline
import SwitchyardProviders
import SwitchyardRuntime

/// Builds `analysis`, `planning` and `build` from `SWITCHYARD_*` settings, sharing the
/// provider accounting and limits; each provider gets an HTTP client (and so slots) of its own,
/// so a slow transcript URL or vendor never holds up the LLM's calls, nor the other way round.
enum DevelopmentRoles {
    static func make(_ names: [String], context: RoleContext) throws -> [any WorkerRole] {
        let providers = try ProvidersConfiguration(environment: context.environment)
        let configuration = try DevelopmentConfiguration(environment: context.environment)
        let logger = context.logger
        let pool = context.pool
        let calls = ExternalCalls(
            usage: UsageLog(pool: pool, logger: logger),
            limits: ProviderLimits(pool: pool, limits: ["llm": providers.llmLimit, "build_service": configuration.buildServiceLimit]))
        let analyst: any ProjectAnalyst
        let planner: any ProjectPlanner
        if let settings = providers.languageModel {
            let client = settings.makeClient()
            (analyst, planner) = (LanguageModelAnalyst(client: client), LanguageModelPlanner(client: client))
            logger.notice("LLM: \(settings.model) at \(Redaction.url(settings.baseURL))")
        } else {
            (analyst, planner) = (OfflineAnalyst(), OfflinePlanner())
            logger.notice("LLM: offline (rule-based analysis, template plan; no model, no network)")
        }
        return try names.map { name throws -> any WorkerRole in
            switch name {
            case "analysis":
                logger.notice("URLs from events (transcript_url) may reach public addresses and SWITCHYARD_OUTBOUND_ALLOW: \(providers.outboundPolicy)")
                return AnalysisRole(
                    analyst: analyst,
                    transcripts: configuration.transcripts.map {
                        VendorTranscriptClient(baseURL: $0.baseURL, apiKey: $0.apiKey, client: HTTPClient())
                    } ?? OfflineTranscriptSource(),
                    download: TranscriptDownload(policy: providers.outboundPolicy), calls: calls)
            case "planning":
                return PlanningRole(pool: pool, planner: planner, calls: calls)
            default:
                return try buildRole(configuration, calls: calls, context: context)
            }
        }
    }

    private static func buildRole(_ configuration: DevelopmentConfiguration, calls: ExternalCalls, context: RoleContext) throws -> BuildRole {
        if let settings = configuration.buildService {
            context.logger.notice("build service: \(Redaction.url(settings.baseURL))")
            return BuildRole(
                pool: context.pool, service: BuildServiceClient(baseURL: settings.baseURL, apiKey: settings.apiKey, client: HTTPClient()),
                publicURL: configuration.publicURL, calls: calls)
        }
        guard let signer = configuration.buildWebhookSigner else {
            throw ConfigurationError(
                variable: "SWITCHYARD_WEBHOOK_SECRET_KIRO",
                problem: "unset; the offline build simulator signs its callbacks with it (the ingress verifies them with the same)")
        }
        context.logger.notice(
            "build service: offline simulator (no network); callbacks go to \(Redaction.url(configuration.publicURL))/v1/webhooks/kiro")
        return BuildRole(
            pool: context.pool, service: OfflineBuildService(signer: signer, logger: context.logger), publicURL: configuration.publicURL,
            calls: calls)
    }
}
