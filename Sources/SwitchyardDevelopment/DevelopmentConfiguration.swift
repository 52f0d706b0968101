// Which implementation of each external service the development pipeline uses.

public import Foundation
public import Switchyard

/// The development pipeline's settings, from `SWITCHYARD_*` variables:
///
/// | variable | values |
/// |---|---|
/// | `SWITCHYARD_LLM` | `offline` (default): rule-based analysis, template plan |
/// | `SWITCHYARD_TRANSCRIPTS` | `offline` (default): transcripts must arrive in the webhook |
/// | `SWITCHYARD_BUILD_SERVICE` | `offline` (default): a local simulator calling our webhook back |
/// | `SWITCHYARD_PUBLIC_URL` | where the build service reaches the ingress (default `http://127.0.0.1:8080`) |
/// | `SWITCHYARD_WEBHOOK_SECRET_KIRO` | the build service's webhook secret; the simulator signs with the first |
public struct DevelopmentConfiguration: Sendable {
    /// `offline` is the only LLM this build has.
    public var llm: String
    /// `offline` is the only transcript source this build has.
    public var transcripts: String
    /// `offline` is the only build service this build has.
    public var buildService: String
    /// The ingress's public base URL.
    public var publicURL: String
    /// Signs the simulator's callbacks; nil when `SWITCHYARD_WEBHOOK_SECRET_KIRO` is unset.
    public var buildWebhookSigner: WebhookSigner?

    /// Reads the variables.
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        func choice(_ name: String) throws(ConfigurationError) -> String {
            let value = environment[name] ?? "offline"
            guard value == "offline" else {
                throw ConfigurationError(variable: name, problem: "expected 'offline' (the only implementation in this build), got '\(value)'")
            }
            return value
        }
        llm = try choice("SWITCHYARD_LLM")
        transcripts = try choice("SWITCHYARD_TRANSCRIPTS")
        buildService = try choice("SWITCHYARD_BUILD_SERVICE")
        publicURL = environment["SWITCHYARD_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
        guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigurationError(variable: "SWITCHYARD_PUBLIC_URL", problem: "expected an http(s) URL, got '\(publicURL)'")
        }
        if let secrets = environment["SWITCHYARD_WEBHOOK_SECRET_KIRO"] {
            let first = secrets.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let signer = WebhookSigner(secret: first) else {
                throw ConfigurationError(variable: "SWITCHYARD_WEBHOOK_SECRET_KIRO", problem: "expected whsec_<base64>[,...], got '\(first.prefix(12))...'")
            }
            buildWebhookSigner = signer
        }
    }
}
