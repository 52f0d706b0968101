// The real `transcribe`: Gemini's generateContent with the audio inline, asked for timestamped JSON.

import Foundation
import SwitchyardCore
public import SwitchyardHTTP
public import SwitchyardProviders

/// `POST {base}/v1beta/models/{model}:generateContent` (key in `x-goog-api-key`) with a prompt
/// asking for `{"segments":[{"start","end","text"}]}` in seconds and the audio as an
/// `inlineData` part; `generationConfig` asks for `application/json` with that schema
/// (`responseSchema`). The first candidate's text parts (thoughts left out), without a Markdown
/// fence, must be that JSON: times in seconds ≥ 0 (rounded to milliseconds), start not after
/// end, text a string.
///
/// Gemini takes at most 20 MB per request inline, so the audio may be at most
/// ``maxInlineAudioBytes``; larger audio would need its Files API, which this does not use.
public struct GeminiTranscriber: Transcriber {
    /// The most audio bytes sent inline: 14 MiB, whose base64 and the prompt stay under 20 MB.
    public static let maxInlineAudioBytes = 14 << 20

    public var name: String { "gemini:\(model)" }
    private let baseURL: String
    private let apiKey: String?
    private let model: String
    private let timeout: Duration
    private let maxAudioBytes: Int
    private let client: HTTPClient
    private let downloads: HTTPClient

    /// Creates a transcriber with an HTTP client of its own for Gemini.
    /// - Parameters:
    ///   - baseURL: The API root, e.g. `https://generativelanguage.googleapis.com`.
    ///   - apiKey: Sent as `x-goog-api-key`.
    ///   - model: The model, e.g. `gemini-2.5-flash`.
    ///   - timeout: The longest one transcription may take.
    ///   - downloads: The client that fetches `audio_url`s, guarded by the fleet's outbound policy.
    ///   - maxAudioBytes: The largest audio accepted; never more than ``maxInlineAudioBytes``.
    /// - Precondition: `downloads` has an ``HTTPClient/Configuration/outboundPolicy`` (URLs come
    ///   from tenants); `timeout` and `maxAudioBytes` are positive.
    public init(
        baseURL: String, apiKey: String?, model: String, timeout: Duration, downloads: HTTPClient,
        maxAudioBytes: Int = maxInlineAudioBytes
    ) {
        precondition(downloads.configuration.outboundPolicy != nil, "audio_url downloads need a client with an outbound policy")
        precondition(maxAudioBytes > 0, "maxAudioBytes must be positive")
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.timeout = timeout
        self.maxAudioBytes = min(maxAudioBytes, Self.maxInlineAudioBytes)
        self.downloads = downloads
        client = HTTPClient(configuration: .init(maxConcurrentRequests: 8, timeout: timeout))
    }

    /// Gemini's transcript of the input's audio.
    /// - Parameter input: The step's input; any `audio/*` type is passed on as it is.
    /// - Returns: The segments with their text, ``Transcription/offline`` false.
    /// - Throws: ``ProviderError``: the download's and the call's classified failures (429
    ///   rate-limited with its `Retry-After`, 5xx and timeouts transient, other 4xx permanent);
    ///   `audio_too_large`, `content_policy` (Gemini blocked it), `invalid_response` (no text)
    ///   and `invalid_transcription` (the text is not the JSON asked for), all permanent.
    public func transcribe(_ input: TranscriptionInput) async throws(ProviderError) -> Transcription {
        let audio = try await input.audio(downloadingWith: downloads, maxBytes: maxAudioBytes)
        let inline: JSONValue = ["mimeType": .string(input.mimeType), "data": .string(Data(audio).base64EncodedString())]
        let body: JSONValue = [
            "contents": [["role": "user", "parts": [["text": .string(Self.prompt)], ["inlineData": inline]]]],
            "generationConfig": ["responseMimeType": "application/json", "responseSchema": Self.schema, "temperature": 0],
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes  // base64 is full of them
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let apiKey { headers.append(HTTPHeader("x-goog-api-key", apiKey)) }
        let escapedModel = model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", ":"])) ?? model
        let response = try await ProviderError.exchange(
            HTTPRequest(
                method: .post, url: "\(baseURL)/v1beta/models/\(escapedModel):generateContent", headers: headers,
                body: Array((try? encoder.encode(body)) ?? Data()), timeout: timeout, maxResponseSize: 8 << 20),
            with: client, service: "Gemini")
        return Transcription(segments: try Self.segments(in: response), offline: false)
    }

    /// What Gemini is asked.
    static let prompt = """
        Transcribe the speech in this audio. Answer with JSON only, in this form: \
        {"segments": [{"start": 0.0, "end": 2.5, "text": "the words spoken"}]}. \
        One segment per sentence or phrase, in the order spoken; start and end are seconds from the \
        beginning of the audio as numbers (12.5, not "00:12"), with start not after end; text is \
        exactly what was said. If nobody speaks, answer {"segments": []}.
        """

    /// The answer's shape, as `responseSchema` (OpenAPI subset).
    static let schema: JSONValue = [
        "type": "OBJECT",
        "properties": [
            "segments": [
                "type": "ARRAY",
                "items": [
                    "type": "OBJECT",
                    "properties": ["start": ["type": "NUMBER"], "end": ["type": "NUMBER"], "text": ["type": "STRING"]],
                    "required": ["start", "end", "text"],
                    "propertyOrdering": ["start", "end", "text"],
                ],
            ]
        ],
        "required": ["segments"],
    ]
}
