// An OpenAI-compatible image API: POST {base}/v1/images/generations, the image as base64.

import Foundation
import SwitchyardCore
import SwitchyardHTTP
public import SwitchyardProviders

/// `POST {base}/v1/images/generations` with `{model, prompt, n: 1, size, response_format:
/// "b64_json"}`; the image is `data[0].b64_json`. A 400 whose `error.code` is
/// `content_policy_violation` is a permanent `content_policy` failure; 429 waits for its
/// `Retry-After`; 5xx and timeouts are transient.
public struct OpenAIImageClient: ImageProvider {
    public var name: String { "openai:\(model)" }
    private let baseURL: String
    private let apiKey: String?
    private let model: String
    private let size: String
    private let timeout: Duration
    private let maxBytes: Int
    private let client: HTTPClient

    /// Creates a client with an HTTP client of its own.
    public init(baseURL: String, apiKey: String?, model: String, size: String = "1024x1024", timeout: Duration, maxBytes: Int) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.size = size
        self.timeout = timeout
        self.maxBytes = maxBytes
        client = HTTPClient(configuration: .init(maxConcurrentRequests: 8, timeout: timeout))
    }

    public func image(for slide: SlideRequest) async throws(ProviderError) -> [UInt8] {
        let body: JSONValue = [
            "model": .string(model), "prompt": .string(slide.imagePrompt), "n": 1, "size": .string(size),
            "response_format": "b64_json",
        ]
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        let request = HTTPRequest(
            method: .post, url: "\(baseURL)/v1/images/generations", headers: headers,
            body: Array((try? JSONEncoder().encode(body)) ?? Data()), timeout: timeout,
            maxResponseSize: maxBytes * 4 / 3 + 64 * 1024)
        let response: HTTPResponse
        do {
            response = try await client.execute(request)
        } catch let error as HTTPClientError {
            throw ProviderError(error, service: "image API")
        } catch {
            throw ProviderError(.transient, "network", "image API: \(error)")
        }
        let json = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))
        if response.status == 400, json?["error"]?["code"]?.string == "content_policy_violation" {
            throw ProviderError(
                .permanent, "content_policy", "image API refused the prompt: \(json?["error"]?["message"]?.string ?? "content policy")",
                statusCode: 400)
        }
        do {
            _ = try response.requireSuccess()
        } catch {
            throw ProviderError(error, service: "image API")
        }
        guard let encoded = json?["data"]?[0]?["b64_json"]?.string else {
            throw ProviderError(.permanent, "invalid_response", "image API: the answer has no data[0].b64_json", statusCode: response.status)
        }
        guard let bytes = Data(base64Encoded: encoded) else {
            throw ProviderError(.permanent, "invalid_image", "image API: data[0].b64_json is not base64", statusCode: response.status)
        }
        return Array(bytes)
    }
}
