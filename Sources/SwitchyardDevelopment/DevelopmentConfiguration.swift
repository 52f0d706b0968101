// Which implementation of each external service of its own the development pipeline uses (the
// language model and the outbound guard are the providers' shared settings).

public import Foundation
public import SwitchyardCore
public import SwitchyardProviders

/// The development pipeline's own settings, from `SWITCHYARD_*` variables (the language model
/// and `SWITCHYARD_OUTBOUND_ALLOW` are ``ProvidersConfiguration``'s):
///
/// | variable | values |
/// |---|---|
/// | `SWITCHYARD_TRANSCRIPTS` | `offline` (default): transcripts must arrive in the webhook (or by URL); `tavus`: the vendor's API |
/// | `SWITCHYARD_TAVUS_BASE_URL`, `SWITCHYARD_TAVUS_API_KEY` | for `tavus`: default `https://tavusapi.com/v2`, the key (required) |
/// | `SWITCHYARD_BUILD_SERVICE` | `offline` (default): a local simulator calling our webhook back; `kiro`: the build service's API |
/// | `SWITCHYARD_KIRO_BASE_URL`, `SWITCHYARD_KIRO_API_KEY` | for `kiro`: its API root (required) and key |
/// | `SWITCHYARD_PUBLIC_URL` | where the build service reaches the ingress (default `http://127.0.0.1:8080`) |
/// | `SWITCHYARD_WEBHOOK_SECRET_KIRO` | the build service's webhook secret; the simulator signs with the first |
/// | `SWITCHYARD_BUILD_SERVICE_RATE`, `_BURST`, `_CONCURRENCY` | fleet-wide limits of build service calls (default: none) |
public struct DevelopmentConfiguration: Sendable {
    /// The build service's API.
    public struct BuildServiceSettings: Sendable {
        public var baseURL: String
        public var apiKey: String?
    }

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
    /// Fleet-wide limits of build service calls.
    public var buildServiceLimit: ProviderLimit
    /// Signs the simulator's callbacks; nil when `SWITCHYARD_WEBHOOK_SECRET_KIRO` is unset.
    public var buildWebhookSigner: WebhookSigner?

    /// Reads the variables.
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        if try reader.choice("SWITCHYARD_TRANSCRIPTS", ["offline", "tavus"], default: "offline") == "tavus" {
            guard let key = environment["SWITCHYARD_TAVUS_API_KEY"], !key.isEmpty else {
                throw ConfigurationError(variable: "SWITCHYARD_TAVUS_API_KEY", problem: "unset; SWITCHYARD_TRANSCRIPTS=tavus needs the vendor's API key")
            }
            transcripts = VendorSettings(baseURL: try reader.url("SWITCHYARD_TAVUS_BASE_URL", default: "https://tavusapi.com/v2"), apiKey: key)
        }
        if try reader.choice("SWITCHYARD_BUILD_SERVICE", ["offline", "kiro"], default: "offline") == "kiro" {
            buildService = BuildServiceSettings(
                baseURL: try reader.url("SWITCHYARD_KIRO_BASE_URL", default: nil), apiKey: environment["SWITCHYARD_KIRO_API_KEY"])
        }
        publicURL = try reader.url("SWITCHYARD_PUBLIC_URL", default: "http://127.0.0.1:8080")
        buildServiceLimit = try reader.limit("SWITCHYARD_BUILD_SERVICE")
        if let secrets = environment["SWITCHYARD_WEBHOOK_SECRET_KIRO"] {
            let first = secrets.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let signer = WebhookSigner(secret: first) else {
                throw ConfigurationError(variable: "SWITCHYARD_WEBHOOK_SECRET_KIRO", problem: "expected whsec_<base64>[,...] (the first secret is not)")
            }
            buildWebhookSigner = signer
        }
    }
}
