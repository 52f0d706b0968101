// The `llm` transformer: a prompt through the language model provider.

import Foundation
public import SwitchyardCore
public import SwitchyardProviders

/// A prompt, from the configured transformer's `prompt` template (`{{input.name}}`) or else the
/// input's `prompt` string, with an optional `system` template, sent to the shared language
/// model within the fleet's `llm` limits and recorded in `api_usage`.
///
/// Settings (configuration first, then input): `json` (ask for a JSON object: the output is
/// that object), `temperature` (0...2), `max_tokens`. The output is `{"text": answer}`, or
/// the object with `json`. Offline (no model configured), the answer is made up
/// deterministically from the prompt and marked `"offline": true`.
public struct LanguageModelTransformer: StepTransformer {
    private let client: OpenAIChatClient?
    private let calls: ExternalCalls

    /// Creates the transformer.
    /// - Parameters:
    ///   - client: The model; nil: offline.
    ///   - calls: Limits and usage records.
    public init(client: OpenAIChatClient?, calls: ExternalCalls) {
        self.client = client
        self.calls = calls
    }

    public func run(_ input: JSONValue, context: StepContext) async -> TransformerResult {
        let prompt: LanguageModelPrompt
        do {
            prompt = try LanguageModelPrompt(input: input, context: context)
        } catch {
            return .failed(error.description)
        }
        guard let client else { return .output(prompt.offlineAnswer) }
        do {
            let text = try await calls.perform(
                api: "llm", endpoint: "chat/completions", provider: client.model, tenantID: context.tenantID, projectID: nil
            ) { () async throws(ProviderError) -> String in
                try await client.complete(
                    system: prompt.system, user: prompt.user, json: prompt.json, temperature: prompt.temperature, maxTokens: prompt.maxTokens)
            }
            guard prompt.json else { return .output(.object(["text": .string(text)])) }
            let answer = OpenAIChatClient.unfenced(text)
            guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(answer.utf8)), case .object = object else {
                return .failed("the model's answer is not a JSON object: \(answer.prefix(120))")
            }
            return .output(object)
        } catch {
            return TransformerResult(error, api: "LLM")
        }
    }
}

/// The request an `llm` step sends, assembled from configuration and input.
struct LanguageModelPrompt {
    var system: String?
    var user: String
    var json: Bool
    var temperature: Double?
    var maxTokens: Int?

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    init(input: JSONValue, context: StepContext) throws(Problem) {
        func template(_ key: String) throws(Problem) -> String? {
            guard let value = context.config[key] else { return nil }
            guard case .string(let text) = value else { throw Problem(description: "\(key): expected a string, got \(value.kindName)") }
            do {
                return try Template(text).render(input: input, secrets: context.secrets)
            } catch {
                throw Problem(description: "\(key): \(error.description)")
            }
        }
        func setting(_ key: String) -> JSONValue? {
            context.config[key] ?? input[key]
        }
        if let configured = try template("prompt") {
            user = configured
        } else if case .string(let text)? = input["prompt"] {
            user = text
        } else {
            throw Problem(description: "the llm transformer needs a prompt: a configured template or the input's \"prompt\" string")
        }
        guard !user.isEmpty else { throw Problem(description: "the prompt is empty") }
        system = try template("system")
        if system == nil, case .string(let text)? = input["system"] { system = text }
        switch setting("json") {
        case nil, .null?: json = false
        case .bool(let flag)?: json = flag
        case let other?: throw Problem(description: "json: expected true or false, got \(other.excerpt())")
        }
        switch setting("temperature") {
        case nil, .null?: temperature = nil
        case .int(let value)? where (0...2).contains(value): temperature = Double(value)
        case .double(let value)? where (0...2).contains(value): temperature = value
        case let other?: throw Problem(description: "temperature: expected a number 0...2, got \(other.excerpt())")
        }
        switch setting("max_tokens") {
        case nil, .null?: maxTokens = nil
        case .int(let value)? where (1...32_768).contains(value): maxTokens = Int(value)
        case let other?: throw Problem(description: "max_tokens: expected a whole number 1...32768, got \(other.excerpt())")
        }
    }

    /// What the offline model says: the prompt's first words, or for `json` an object about it.
    var offlineAnswer: JSONValue {
        let words = user.split(whereSeparator: \.isWhitespace)
        let summary = words.prefix(12).joined(separator: " ") + (words.count > 12 ? " …" : "")
        if json {
            return .object(["summary": .string(summary), "words": .int(Int64(words.count)), "offline": true])
        }
        return .object(["text": .string(summary), "offline": true])
    }
}
