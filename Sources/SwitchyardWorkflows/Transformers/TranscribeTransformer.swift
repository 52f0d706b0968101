// The `transcribe` transformer: timestamped speech segments of an audio file.

public import SwitchyardCore
public import SwitchyardProviders
public import SwitchyardTranscription

/// `{audio_url | audio_base64, mime_type}` → `{segments: [{start, end, text}]}` through the
/// configured ``Transcriber`` (Gemini, or offline: speech found by energy in 16-bit PCM WAV,
/// `text: null`, `"offline": true`). A configured transformer's `mime_type` is the default for
/// inputs without one. Gemini calls run within the fleet's `transcribe` limits and are
/// recorded in `api_usage`; URLs go through the outbound guard.
public struct TranscribeTransformer: StepTransformer {
    private let transcriber: any Transcriber
    private let calls: ExternalCalls
    private let maxAudioBytes: Int

    /// Creates the transformer.
    public init(transcriber: any Transcriber, calls: ExternalCalls, maxAudioBytes: Int) {
        self.transcriber = transcriber
        self.calls = calls
        self.maxAudioBytes = maxAudioBytes
    }

    public func run(_ input: JSONValue, context: StepContext) async -> TransformerResult {
        var input = input
        if case .object(var members) = input, members["mime_type"] == nil || members["mime_type"] == .null,
           let mimeType = context.config["mime_type"] {
            members["mime_type"] = mimeType
            input = .object(members)
        }
        do {
            let request = try TranscriptionInput(json: input, maxAudioBytes: maxAudioBytes)
            let transcription = try await calls.perform(
                api: "transcribe", endpoint: "transcribe", provider: transcriber.name, tenantID: context.tenantID, projectID: nil
            ) { () async throws(ProviderError) -> Transcription in
                try await transcriber.transcribe(request)
            }
            return .output(transcription.json)
        } catch {
            return TransformerResult(error, api: "transcribe")
        }
    }
}
