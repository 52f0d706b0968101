// Which image provider the image-generation pipeline uses, and its limits.

public import Foundation
public import SwitchyardCore
public import SwitchyardProviders

/// The image pipeline's settings, from `SWITCHYARD_*` variables (the content strategy's
/// language model is ``ProvidersConfiguration``'s, the blob store its own configuration's):
///
/// | variable | values |
/// |---|---|
/// | `SWITCHYARD_IMAGES` | `offline` (default): slides drawn locally (FreeType, PNG); `openai`: an OpenAI-compatible image API; `gemini`: Gemini `generateContent` |
/// | `SWITCHYARD_IMAGES_BASE_URL` | the API root (default `https://api.openai.com` or `https://generativelanguage.googleapis.com`) |
/// | `SWITCHYARD_IMAGES_API_KEY` | the key (required for `openai` and `gemini`) |
/// | `SWITCHYARD_IMAGES_MODEL` | default `gpt-image-1` or `gemini-2.0-flash-preview-image-generation` |
/// | `SWITCHYARD_IMAGES_TIMEOUT_SECONDS` | the longest one image may take (default 90) |
/// | `SWITCHYARD_IMAGES_MAX_BYTES` | the largest image accepted (default 20 MiB) |
/// | `SWITCHYARD_IMAGES_RATE`, `_BURST`, `_CONCURRENCY` | fleet-wide limits of image calls (default: none) |
public struct ImagesConfiguration: Sendable {
    /// Which provider draws the slides.
    public enum Provider: String, Sendable {
        case offline, openai, gemini
    }

    /// The provider.
    public var provider: Provider
    /// The API root of `openai` and `gemini`.
    public var baseURL: String
    /// Their key.
    public var apiKey: String?
    /// Their model.
    public var model: String
    /// The longest one image may take.
    public var timeout: Duration
    /// The largest image accepted, in bytes.
    public var maxBytes: Int
    /// Fleet-wide limits of image calls.
    public var limit: ProviderLimit

    /// Reads the variables.
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        let provider: Provider = switch try reader.choice("SWITCHYARD_IMAGES", ["offline", "openai", "gemini"], default: "offline") {
        case "openai": .openai
        case "gemini": .gemini
        default: .offline
        }
        self.provider = provider
        let defaults: (url: String, model: String) = switch provider {
        case .gemini: ("https://generativelanguage.googleapis.com", "gemini-2.0-flash-preview-image-generation")
        default: ("https://api.openai.com", "gpt-image-1")
        }
        baseURL = try reader.url("SWITCHYARD_IMAGES_BASE_URL", default: defaults.url)
        apiKey = environment["SWITCHYARD_IMAGES_API_KEY"]
        if provider != .offline, apiKey?.isEmpty ?? true {
            throw ConfigurationError(variable: "SWITCHYARD_IMAGES_API_KEY", problem: "unset; SWITCHYARD_IMAGES=\(provider.rawValue) needs the API's key")
        }
        model = environment["SWITCHYARD_IMAGES_MODEL"] ?? defaults.model
        timeout = try reader.seconds("SWITCHYARD_IMAGES_TIMEOUT_SECONDS", default: 90, in: 1...600)
        let maxText = environment["SWITCHYARD_IMAGES_MAX_BYTES"] ?? String(20 << 20)
        guard let maxBytes = Int(maxText), (1_024...(256 << 20)).contains(maxBytes) else {
            throw ConfigurationError(variable: "SWITCHYARD_IMAGES_MAX_BYTES", problem: "expected a byte count in 1024...\(256 << 20), got '\(maxText)'")
        }
        self.maxBytes = maxBytes
        limit = try reader.limit("SWITCHYARD_IMAGES")
    }
}
