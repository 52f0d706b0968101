// The offline `transcribe`: speech found in a WAV file by its energy; no words, no provider.

public import SwitchyardHTTP
public import SwitchyardProviders

/// The transcriber that needs no provider: it reads 16-bit PCM WAV (``WAVFile``) and returns the
/// stretches of speech ``EnergySegmenter`` finds, with `text: null` and `offline: true`.
public struct OfflineTranscriber: Transcriber {
    /// The media types it reads: `audio/wav`, `audio/x-wav`, `audio/wave`.
    public static let mimeTypes: Set<String> = ["audio/wav", "audio/x-wav", "audio/wave"]

    public var name: String { "offline" }
    private let downloads: HTTPClient
    private let segmenter: EnergySegmenter
    private let maxAudioBytes: Int

    /// Creates a transcriber.
    /// - Parameters:
    ///   - downloads: The client that fetches `audio_url`s, guarded by the fleet's outbound policy.
    ///   - segmenter: How speech is found; the default settings unless given.
    ///   - maxAudioBytes: The largest audio accepted; 25 MiB unless given.
    /// - Precondition: `downloads` has an ``HTTPClient/Configuration/outboundPolicy`` (URLs come
    ///   from tenants); `maxAudioBytes` is positive.
    public init(downloads: HTTPClient, segmenter: EnergySegmenter = EnergySegmenter(), maxAudioBytes: Int = TranscriptionInput.defaultMaxAudioBytes) {
        precondition(downloads.configuration.outboundPolicy != nil, "audio_url downloads need a client with an outbound policy")
        precondition(maxAudioBytes > 0, "maxAudioBytes must be positive")
        self.downloads = downloads
        self.segmenter = segmenter
        self.maxAudioBytes = maxAudioBytes
    }

    /// The stretches of speech in the input's WAV audio.
    /// - Parameter input: The step's input; its type must be one of ``mimeTypes``.
    /// - Returns: The segments, `text` `nil`, ``Transcription/offline`` true.
    /// - Throws: ``ProviderError``: `validation` (permanent) for another media type; the
    ///   download's classified failures; `audio_too_large`, `invalid_audio` and
    ///   `unsupported_audio` (permanent) from the size limit and ``WAVFile``.
    public func transcribe(_ input: TranscriptionInput) async throws(ProviderError) -> Transcription {
        guard Self.mimeTypes.contains(input.mimeType) else {
            throw TranscriptionInput.invalid(
                "mime_type", "the offline transcriber reads WAV (\(Self.mimeTypes.sorted().joined(separator: ", "))), got \(input.mimeType)")
        }
        let audio = try WAVFile(bytes: try await input.audio(downloadingWith: downloads, maxBytes: maxAudioBytes))
        return Transcription(segments: segmenter.segments(samples: audio.samples, sampleRate: audio.sampleRate), offline: true)
    }
}
