// An OpenAI-compatible chat-completions client that asks for JSON (also local model servers).

import Foundation
public import SwitchyardCore
public import SwitchyardHTTP

/// `POST {base}/chat/completions` with a system and a user message, `response_format`
/// `json_object` and temperature 0; the answer's first choice is parsed as JSON. Works with
/// OpenAI and with servers that speak its API (llama.cpp, vLLM, Ollama).
public struct OpenAIChatClient: Sendable {
    /// The API root, e.g. `https://api.openai.com/v1`.
    public var baseURL: String
    /// Sent as `Authorization: Bearer`; local servers may need none.
    public var apiKey: String?
    /// The model name.
    public var model: String
    /// The longest a completion may take.
    public var timeout: Duration
    private let client: HTTPClient

    /// Creates a client.
    public init(baseURL: String, apiKey: String?, model: String, timeout: Duration, client: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.timeout = timeout
        self.client = client
    }

    /// The model's answer to `user` under `system`, as JSON.
    /// - Throws: ``ProviderError``: classified HTTP failures; `invalid_json` (permanent) when
    ///   the answer is not a JSON object, quoting its start.
    public func completeJSON(system: String, user: String) async throws(ProviderError) -> JSONValue {
        let text = Self.unfenced(try await complete(system: system, user: user, json: true, temperature: 0))
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object = json else {
            throw ProviderError(.permanent, "invalid_json", "the model's answer is not a JSON object: \(text.prefix(120))")
        }
        return json
    }

    /// The model's answer to `user` (under `system`, when given) as text.
    /// - Parameters:
    ///   - json: Ask for a JSON object (`response_format` `json_object`).
    ///   - temperature: Sampling temperature; the server's default when nil.
    ///   - maxTokens: The longest answer, in tokens; the server's default when nil.
    /// - Throws: ``ProviderError``: classified HTTP failures; `invalid_response` (permanent)
    ///   when the answer has no `choices[0].message.content`.
    public func complete(
        system: String?, user: String, json: Bool, temperature: Double? = nil, maxTokens: Int? = nil
    ) async throws(ProviderError) -> String {
        var messages: [JSONValue] = []
        if let system { messages.append(.object(["role": "system", "content": .string(system)])) }
        messages.append(.object(["role": "user", "content": .string(user)]))
        var request: [String: JSONValue] = ["model": .string(model), "messages": .array(messages)]
        if json { request["response_format"] = .object(["type": "json_object"]) }
        if let temperature { request["temperature"] = .double(temperature) }
        if let maxTokens { request["max_tokens"] = .int(Int64(maxTokens)) }
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        let body = Array((try? JSONEncoder().encode(JSONValue.object(request))) ?? Data())
        let response = try await ProviderError.exchange(
            HTTPRequest(method: .post, url: baseURL + "/chat/completions", headers: headers, body: body, timeout: timeout),
            with: client, service: "LLM")
        guard let envelope = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)),
              case .array(let choices)? = envelope["choices"], let content = choices.first?["message"]?["content"]?.string
        else {
            throw ProviderError(.permanent, "invalid_response", "LLM: the answer has no choices[0].message.content", statusCode: response.status)
        }
        return content
    }

    /// `text` without a Markdown code fence around it (some models add one despite the format).
    public static func unfenced(_ text: String) -> String {
        var text = text.trimmingWhiteSpace()
        if text.hasPrefix("```") {
            text = String(text.drop(while: { $0 != "\n" }).dropFirst())
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
        }
        return text.trimmingWhiteSpace()
    }
}
