// What the `transcribe` transformer calls: the offline segmenter or a real provider.

public import SwitchyardProviders

/// Turns a step's audio into timestamped segments. ``OfflineTranscriber`` finds speech in WAV
/// files by its energy; ``GeminiTranscriber`` asks Gemini for the words and their times.
public protocol Transcriber: Sendable {
    /// What to call it in logs: `offline`, `gemini:<model>`.
    var name: String { get }

    /// Transcribes the input's audio, fetching it first if it is a URL.
    /// - Parameter input: The step's checked input.
    /// - Returns: The segments.
    /// - Throws: ``ProviderError`` classified for retrying: transient, rate-limited or permanent.
    func transcribe(_ input: TranscriptionInput) async throws(ProviderError) -> Transcription
}
