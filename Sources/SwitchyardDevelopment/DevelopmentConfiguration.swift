// Which implementation of each external service the development pipeline uses.

public import Foundation
public import Switchyard
public import SwitchyardHTTP
import SwitchyardRedaction

/// The development pipeline's settings, from `SWITCHYARD_*` variables:
///
/// | variable | values |
/// |---|---|
/// | `SWITCHYARD_LLM` | `offline` (default): rule-based analysis, template plan; `openai`: an OpenAI-compatible chat API |
/// | `SWITCHYARD_OPENAI_BASE_URL`, `_API_KEY`, `_MODEL` | for `openai`: default `https://api.openai.com/v1`, none, `gpt-4o-mini` |
/// | `SWITCHYARD_LLM_TIMEOUT_SECONDS` | the longest a completion may take (default 60) |
/// | `SWITCHYARD_TRANSCRIPTS` | `offline` (default): transcripts must arrive in the webhook (or by URL); `tavus`: the vendor's API |
/// | `SWITCHYARD_TAVUS_BASE_URL`, `SWITCHYARD_TAVUS_API_KEY` | for `tavus`: default `https://tavusapi.com/v2`, the key (required) |
/// | `SWITCHYARD_BUILD_SERVICE` | `offline` (default): a local simulator calling our webhook back; `kiro`: the build service's API |
/// | `SWITCHYARD_KIRO_BASE_URL`, `SWITCHYARD_KIRO_API_KEY` | for `kiro`: its API root (required) and key |
/// | `SWITCHYARD_PUBLIC_URL` | where the build service reaches the ingress (default `http://127.0.0.1:8080`) |
/// | `SWITCHYARD_WEBHOOK_SECRET_KIRO` | the build service's webhook secret; the simulator signs with the first |
/// | `SWITCHYARD_LLM_RATE`, `_BURST`, `_CONCURRENCY` | fleet-wide limits of LLM calls: per second, burst, at once (default: none) |
/// | `SWITCHYARD_BUILD_SERVICE_RATE`, `_BURST`, `_CONCURRENCY` | the same for the build service |
/// | `SWITCHYARD_OUTBOUND_ALLOW` | what URLs from events (`transcript_url`) may reach besides public addresses: comma-separated CIDR blocks (`10.0.0.0/8`, `::1/128`) and `host:port` pairs (`localhost:8080`); default none |
public struct DevelopmentConfiguration: Sendable {
    /// A chat API speaking OpenAI's wire format.
    public struct OpenAISettings: Sendable {
        public var baseURL: String
        public var apiKey: String?
        public var model: String
        public var timeout: Duration
    }

    /// The build service's API.
    public struct BuildServiceSettings: Sendable {
        public var baseURL: String
        public var apiKey: String?
    }

    /// The chat API for analysis and planning; nil: offline.
    public var openAI: OpenAISettings?
    /// The video-call vendor's API.
    public struct VendorSettings: Sendable {
        public var baseURL: String
        public var apiKey: String
    }

    /// The vendor's transcript API; nil: offline.
    public var transcripts: VendorSettings?
    /// The build service's API; nil: the offline simulator.
    public var buildService: BuildServiceSettings?
    /// The ingress's public base URL.
    public var publicURL: String
    /// Fleet-wide limits of LLM calls.
    public var llmLimit: ProviderLimit = .none
    /// Fleet-wide limits of build service calls.
    public var buildServiceLimit: ProviderLimit = .none
    /// Signs the simulator's callbacks; nil when `SWITCHYARD_WEBHOOK_SECRET_KIRO` is unset.
    public var buildWebhookSigner: WebhookSigner?
    /// The guard for URLs that come from events: public addresses and the allow list of
    /// `SWITCHYARD_OUTBOUND_ALLOW`.
    public var outboundPolicy = OutboundPolicy()

    /// Reads the variables.
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        func choice(_ name: String, _ allowed: [String]) throws(ConfigurationError) -> String {
            let value = environment[name] ?? "offline"
            guard allowed.contains(value) else {
                throw ConfigurationError(variable: name, problem: "expected one of \(allowed.joined(separator: ", ")), got '\(value)'")
            }
            return value
        }
        func url(_ name: String, default fallback: String?) throws(ConfigurationError) -> String {
            guard let value = environment[name] ?? fallback else {
                throw ConfigurationError(variable: name, problem: "unset; give the service's http(s) URL")
            }
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(variable: name, problem: "expected an http(s) URL, got '\(Redaction.url(value))'")
            }
            return value
        }
        if try choice("SWITCHYARD_LLM", ["offline", "openai"]) == "openai" {
            let timeoutText = environment["SWITCHYARD_LLM_TIMEOUT_SECONDS"] ?? "60"
            guard let seconds = Int(timeoutText), (1...600).contains(seconds) else {
                throw ConfigurationError(variable: "SWITCHYARD_LLM_TIMEOUT_SECONDS", problem: "expected 1...600, got '\(timeoutText)'")
            }
            openAI = OpenAISettings(
                baseURL: try url("SWITCHYARD_OPENAI_BASE_URL", default: "https://api.openai.com/v1"),
                apiKey: environment["SWITCHYARD_OPENAI_API_KEY"], model: environment["SWITCHYARD_OPENAI_MODEL"] ?? "gpt-4o-mini",
                timeout: .seconds(seconds))
        }
        if try choice("SWITCHYARD_TRANSCRIPTS", ["offline", "tavus"]) == "tavus" {
            guard let key = environment["SWITCHYARD_TAVUS_API_KEY"], !key.isEmpty else {
                throw ConfigurationError(variable: "SWITCHYARD_TAVUS_API_KEY", problem: "unset; SWITCHYARD_TRANSCRIPTS=tavus needs the vendor's API key")
            }
            transcripts = VendorSettings(baseURL: try url("SWITCHYARD_TAVUS_BASE_URL", default: "https://tavusapi.com/v2"), apiKey: key)
        }
        if try choice("SWITCHYARD_BUILD_SERVICE", ["offline", "kiro"]) == "kiro" {
            buildService = BuildServiceSettings(
                baseURL: try url("SWITCHYARD_KIRO_BASE_URL", default: nil), apiKey: environment["SWITCHYARD_KIRO_API_KEY"])
        }
        publicURL = try url("SWITCHYARD_PUBLIC_URL", default: "http://127.0.0.1:8080")
        func limit(_ prefix: String) throws(ConfigurationError) -> ProviderLimit {
            func number(_ suffix: String, _ range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
                guard let text = environment[prefix + suffix] else { return nil }
                guard let value = Double(text), range.contains(value) else {
                    throw ConfigurationError(variable: prefix + suffix, problem: "expected a number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
                }
                return value
            }
            let rate = try number("_RATE", 0.01...100_000)
            let concurrency = try number("_CONCURRENCY", 1...10_000).map { Int($0) }
            return ProviderLimit(rate: rate, burst: try number("_BURST", 1...100_000) ?? max(1, (rate ?? 1).rounded(.up)), concurrency: concurrency)
        }
        llmLimit = try limit("SWITCHYARD_LLM")
        buildServiceLimit = try limit("SWITCHYARD_BUILD_SERVICE")
        if let allowList = environment["SWITCHYARD_OUTBOUND_ALLOW"] {
            do {
                outboundPolicy = try OutboundPolicy(allowList: allowList)
            } catch {
                throw ConfigurationError(
                    variable: "SWITCHYARD_OUTBOUND_ALLOW",
                    problem: "entry \(error); expected comma-separated CIDR blocks (10.0.0.0/8, ::1/128) and host:port pairs (localhost:8080)")
            }
        }
        if let secrets = environment["SWITCHYARD_WEBHOOK_SECRET_KIRO"] {
            let first = secrets.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let signer = WebhookSigner(secret: first) else {
                throw ConfigurationError(variable: "SWITCHYARD_WEBHOOK_SECRET_KIRO", problem: "expected whsec_<base64>[,...] (the first secret is not)")
            }
            buildWebhookSigner = signer
        }
    }
}
