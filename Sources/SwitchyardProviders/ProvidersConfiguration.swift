// The settings every pipeline's providers share: the language model and the outbound guard.

public import Foundation
public import SwitchyardCore
public import SwitchyardHTTP

/// The shared provider settings, from `SWITCHYARD_*` variables:
///
/// | variable | values |
/// |---|---|
/// | `SWITCHYARD_LLM` | `offline` (default): no model, deterministic work; `openai`: an OpenAI-compatible chat API |
/// | `SWITCHYARD_OPENAI_BASE_URL`, `_API_KEY`, `_MODEL` | for `openai`: default `https://api.openai.com/v1`, none (required for `api.openai.com`), `gpt-4o-mini` |
/// | `SWITCHYARD_LLM_TIMEOUT_SECONDS` | the longest a completion may take (default 60) |
/// | `SWITCHYARD_LLM_RATE`, `_BURST`, `_CONCURRENCY` | fleet-wide limits of LLM calls: per second, burst, at once (default: none) |
/// | `SWITCHYARD_OUTBOUND_ALLOW` | CIDRs and host:port pairs that URLs from events may reach besides public addresses |
public struct ProvidersConfiguration: Sendable {
    /// The chat API; nil: offline.
    public var languageModel: LanguageModelSettings?
    /// Fleet-wide limits of LLM calls.
    public var llmLimit: ProviderLimit
    /// The guard for URLs that come from events: public addresses and the allow list.
    public var outboundPolicy: OutboundPolicy

    /// Reads the variables.
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        if try reader.choice("SWITCHYARD_LLM", ["offline", "openai"], default: "offline") == "openai" {
            let settings = LanguageModelSettings(
                baseURL: try reader.url("SWITCHYARD_OPENAI_BASE_URL", default: "https://api.openai.com/v1"),
                apiKey: environment["SWITCHYARD_OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }, model: environment["SWITCHYARD_OPENAI_MODEL"] ?? "gpt-4o-mini",
                timeout: try reader.seconds("SWITCHYARD_LLM_TIMEOUT_SECONDS", default: 60, in: 1...600))
            // A compatible server of one's own may take no key; OpenAI's API refuses every call without one.
            if settings.apiKey == nil, URL(string: settings.baseURL)?.host?.lowercased() == "api.openai.com" {
                throw ConfigurationError(
                    variable: "SWITCHYARD_OPENAI_API_KEY",
                    problem: "unset; api.openai.com needs a key (for a compatible server without keys, set SWITCHYARD_OPENAI_BASE_URL)")
            }
            languageModel = settings
        }
        llmLimit = try reader.limit("SWITCHYARD_LLM")
        outboundPolicy = OutboundPolicy()
        if let allowList = environment["SWITCHYARD_OUTBOUND_ALLOW"] {
            do {
                outboundPolicy = try OutboundPolicy(allowList: allowList)
            } catch {
                throw ConfigurationError(
                    variable: "SWITCHYARD_OUTBOUND_ALLOW",
                    problem: "entry \(error); expected comma-separated CIDR blocks (10.0.0.0/8, ::1/128) and host:port pairs (localhost:8080)")
            }
        }
    }
}

/// A chat API speaking OpenAI's wire format.
public struct LanguageModelSettings: Sendable {
    /// The API root (`https://api.openai.com/v1`).
    public var baseURL: String
    /// The bearer key, when the API needs one.
    public var apiKey: String?
    /// The model.
    public var model: String
    /// The longest a completion may take.
    public var timeout: Duration

    /// A client of its own (its own HTTP client, so its own slots).
    public func makeClient() -> OpenAIChatClient {
        OpenAIChatClient(baseURL: baseURL, apiKey: apiKey, model: model, timeout: timeout, client: HTTPClient())
    }
}
