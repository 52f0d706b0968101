// Transcripts from the network: a URL the webhook named, or the video-call vendor's API.

import Foundation
import SwitchyardCore
public import SwitchyardHTTP
public import SwitchyardProviders

/// Downloads a transcript from a URL: JSON (a list of `{role, content}`, a text, or either
/// under `transcript`) or plain text of `Speaker: words` lines.
///
/// The URL comes from an event, so the download has an HTTP client of its own, guarded by an
/// ``OutboundPolicy`` (http/https only, no user information, no loopback, private, link-local
/// or metadata address unless allowed, redirects checked alike) and with slots of its own, so a
/// slow or hostile URL holds up only other downloads, never the other providers' calls.
public struct TranscriptDownload: Sendable {
    private let client: HTTPClient

    /// Creates a downloader with its own guarded client: 4 downloads at once, 30 s each
    /// (redirects included), up to 5 redirects.
    /// - Parameter policy: Which addresses transcript URLs may reach.
    public init(policy: OutboundPolicy) {
        client = HTTPClient(configuration: .init(
            maxConcurrentRequests: 4, timeout: .seconds(30), userAgent: "switchyard-transcripts", maxRedirects: 5,
            outboundPolicy: policy))
    }

    /// The transcript at `url`.
    /// - Throws: ``ProviderError``: classified HTTP failures; `forbidden_url` (permanent) when the
    ///   policy refuses the URL or a redirect's target (nothing was requested from it);
    ///   `invalid_transcript` (permanent) when the document holds no transcript.
    public func transcript(at url: String) async throws(ProviderError) -> Transcript {
        let response = try await ProviderError.exchange(HTTPRequest(url: url), with: client, service: "transcript download")
        if let json = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)),
           let transcript = Transcript(json["transcript"] ?? json) {
            return transcript
        }
        guard let transcript = Transcript(.string(String(decoding: response.body, as: UTF8.self))), !response.body.starts(with: Array("{".utf8)) else {
            throw ProviderError(.permanent, "invalid_transcript", "transcript download: \(Redaction.url(url)) holds no transcript", statusCode: response.status)
        }
        return transcript
    }
}

/// The video-call vendor's API (Tavus): `GET {base}/conversations/{id}?verbose=true` with
/// `x-api-key`; the transcript is the `properties.transcript` of its
/// `application.transcription_ready` event (or a top-level `transcript`). A conversation whose
/// transcript isn't ready yet is a transient failure, retried with backoff.
public struct VendorTranscriptClient: TranscriptSource {
    public let name = "tavus"
    private let baseURL: String
    private let apiKey: String
    private let client: HTTPClient

    /// Creates a client.
    public init(baseURL: String, apiKey: String, client: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.client = client
    }

    public func transcript(conversationID: String) async throws(ProviderError) -> Transcript {
        let escaped = conversationID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? conversationID
        let response = try await ProviderError.exchange(
            HTTPRequest(url: "\(baseURL)/conversations/\(escaped)?verbose=true", headers: [HTTPHeader("x-api-key", apiKey)],
                        timeout: .seconds(30)),
            with: client, service: "video-call vendor")
        guard let conversation = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else {
            throw ProviderError(.permanent, "invalid_response", "video-call vendor: the answer is not JSON", statusCode: response.status)
        }
        var found = conversation["transcript"]
        if found == nil, case .array(let events)? = conversation["events"] {
            found = events.first { $0["event_type"]?.string == "application.transcription_ready" }?["properties"]?["transcript"]
        }
        guard let found, let transcript = Transcript(found) else {
            throw ProviderError(.transient, "transcript_not_ready", "video-call vendor: conversation \(conversationID) has no transcript yet",
                                statusCode: response.status)
        }
        return transcript
    }
}
