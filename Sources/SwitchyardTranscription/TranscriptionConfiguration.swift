// Which transcriber the `transcribe` transformer uses, from SWITCHYARD_TRANSCRIBE* variables.

public import Foundation
public import SwitchyardCore
public import SwitchyardHTTP
import SwitchyardProviders

/// The transcriber's settings, from `SWITCHYARD_*` variables:
///
/// | variable | values |
/// |---|---|
/// | `SWITCHYARD_TRANSCRIBE` | `offline` (default): speech found in WAV files by energy, no text; `gemini`: Gemini `generateContent` |
/// | `SWITCHYARD_TRANSCRIBE_BASE_URL` | the API root (default `https://generativelanguage.googleapis.com`) |
/// | `SWITCHYARD_TRANSCRIBE_API_KEY` | the key (required for `gemini`) |
/// | `SWITCHYARD_TRANSCRIBE_MODEL` | default `gemini-2.5-flash` |
/// | `SWITCHYARD_TRANSCRIBE_TIMEOUT_SECONDS` | the longest one transcription may take (default 120) |
/// | `SWITCHYARD_TRANSCRIBE_MAX_BYTES` | the largest audio accepted (default 25 MiB; Gemini takes at most 14 MiB inline) |
public struct TranscriptionConfiguration: Sendable {
    /// Which transcriber runs.
    public enum Provider: String, Sendable {
        /// ``OfflineTranscriber``.
        case offline
        /// ``GeminiTranscriber``.
        case gemini
    }

    /// The transcriber.
    public var provider: Provider
    /// Gemini's API root.
    public var baseURL: String
    /// Gemini's key.
    public var apiKey: String?
    /// Gemini's model.
    public var model: String
    /// The longest one transcription may take.
    public var timeout: Duration
    /// The largest audio accepted, in bytes.
    public var maxAudioBytes: Int

    /// Reads the variables.
    /// - Parameter environment: The variables; the process's unless given.
    /// - Throws: ``ConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        provider = try reader.choice("SWITCHYARD_TRANSCRIBE", ["offline", "gemini"], default: "offline") == "gemini" ? .gemini : .offline
        baseURL = try reader.url("SWITCHYARD_TRANSCRIBE_BASE_URL", default: "https://generativelanguage.googleapis.com")
        apiKey = environment["SWITCHYARD_TRANSCRIBE_API_KEY"]
        if provider == .gemini, apiKey?.isEmpty ?? true {
            throw ConfigurationError(variable: "SWITCHYARD_TRANSCRIBE_API_KEY", problem: "unset; SWITCHYARD_TRANSCRIBE=gemini needs the API's key")
        }
        model = environment["SWITCHYARD_TRANSCRIBE_MODEL"] ?? "gemini-2.5-flash"
        timeout = try reader.seconds("SWITCHYARD_TRANSCRIBE_TIMEOUT_SECONDS", default: 120, in: 1...900)
        let maxText = environment["SWITCHYARD_TRANSCRIBE_MAX_BYTES"] ?? String(TranscriptionInput.defaultMaxAudioBytes)
        guard let maxAudioBytes = Int(maxText), (1_024...(256 << 20)).contains(maxAudioBytes) else {
            throw ConfigurationError(variable: "SWITCHYARD_TRANSCRIBE_MAX_BYTES", problem: "expected a byte count in 1024...\(256 << 20), got '\(maxText)'")
        }
        self.maxAudioBytes = maxAudioBytes
    }

    /// The configured transcriber.
    /// - Parameter downloads: The client for `audio_url`s, created with the fleet's
    ///   ``OutboundPolicy`` (`HTTPClient.Configuration(outboundPolicy:)`).
    /// - Returns: An ``OfflineTranscriber`` or a ``GeminiTranscriber`` with a client of its own.
    public func makeTranscriber(downloads: HTTPClient) -> any Transcriber {
        switch provider {
        case .offline:
            OfflineTranscriber(downloads: downloads, maxAudioBytes: maxAudioBytes)
        case .gemini:
            GeminiTranscriber(
                baseURL: baseURL, apiKey: apiKey, model: model, timeout: timeout, downloads: downloads, maxAudioBytes: maxAudioBytes)
        }
    }
}
