// Gemini's generateContent asked for an image: the image is the inlineData part of the answer.

import Foundation
import SwitchyardCore
import SwitchyardHTTP
public import SwitchyardProviders

/// `POST {base}/v1beta/models/{model}:generateContent` with the image prompt and
/// `responseModalities: ["TEXT", "IMAGE"]`; the image is the first part with `inlineData`
/// (`mimeType`, base64 `data`). A prompt Gemini blocks (`promptFeedback.blockReason`, or a
/// candidate finished for safety) is a permanent `content_policy` failure.
public struct GeminiImageClient: ImageProvider {
    public var name: String { "gemini:\(model)" }
    private let baseURL: String
    private let apiKey: String?
    private let model: String
    private let timeout: Duration
    private let maxBytes: Int
    private let client: HTTPClient

    /// Creates a client with an HTTP client of its own.
    public init(baseURL: String, apiKey: String?, model: String, timeout: Duration, maxBytes: Int) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.timeout = timeout
        self.maxBytes = maxBytes
        client = HTTPClient(configuration: .init(maxConcurrentRequests: 8, timeout: timeout))
    }

    public func image(for slide: SlideRequest) async throws(ProviderError) -> [UInt8] {
        let body: JSONValue = [
            "contents": [["parts": [["text": .string("Draw this picture: \(slide.imagePrompt)")]]]],
            "generationConfig": ["responseModalities": ["TEXT", "IMAGE"]],
        ]
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let apiKey { headers.append(HTTPHeader("x-goog-api-key", apiKey)) }
        let escapedModel = model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", ":"])) ?? model
        let response = try await ProviderError.exchange(
            HTTPRequest(
                method: .post, url: "\(baseURL)/v1beta/models/\(escapedModel):generateContent", headers: headers,
                body: Array((try? JSONEncoder().encode(body)) ?? Data()), timeout: timeout,
                maxResponseSize: maxBytes * 4 / 3 + 64 * 1024),
            with: client, service: "Gemini")
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else {
            throw ProviderError(.permanent, "invalid_response", "Gemini: the answer is not JSON", statusCode: response.status)
        }
        if let reason = answer["promptFeedback"]?["blockReason"]?.string {
            throw ProviderError(.permanent, "content_policy", "Gemini blocked the prompt: \(reason)", statusCode: response.status)
        }
        let candidate = answer["candidates"]?[0]
        if let finish = candidate?["finishReason"]?.string, ["SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST"].contains(finish) {
            throw ProviderError(.permanent, "content_policy", "Gemini stopped for \(finish)", statusCode: response.status)
        }
        let parts = candidate?["content"]?["parts"]?.array ?? []
        guard let inline = parts.lazy.compactMap({ $0["inlineData"] }).first, let data = inline["data"]?.string else {
            throw ProviderError(.permanent, "invalid_response", "Gemini: the answer has no inlineData image part", statusCode: response.status)
        }
        guard let bytes = Data(base64Encoded: data) else {
            throw ProviderError(.permanent, "invalid_image", "Gemini: inlineData.data is not base64", statusCode: response.status)
        }
        return Array(bytes)
    }
}
