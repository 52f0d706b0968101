// Who writes a carousel's content strategy: a chat model, or rules offline.

public import SwitchyardCore
public import SwitchyardProviders

/// Writes the content strategy of a carousel about `prompt` with `slideCount` slides.
public protocol CarouselStrategist: Sendable {
    /// `offline` or the model's name, for logs and `api_usage`.
    var name: String { get }
    /// The strategist's answer (checked by ``CarouselStrategy/validated(_:slideCount:)``);
    /// `problems` are those of a previous answer, for the strategist to repair.
    func strategy(for prompt: String, slideCount: Int, repairing problems: [String]) async throws(ProviderError) -> JSONValue
}

/// The strategy from a chat model: one JSON object, repaired once when it is invalid.
public struct LanguageModelStrategist: CarouselStrategist {
    public var name: String { client.model }
    private let client: OpenAIChatClient

    /// Creates the strategist.
    public init(client: OpenAIChatClient) {
        self.client = client
    }

    static let system = """
        You plan social-media carousels. Answer with one JSON object: {"title": string, "slides": [{"title": string, \
        "body": string, "image_prompt": string}]} with exactly the number of slides asked for. A slide's title is a \
        short headline, its body one or two sentences, its image_prompt a description of a picture for an image model.
        """

    public func strategy(for prompt: String, slideCount: Int, repairing problems: [String]) async throws(ProviderError) -> JSONValue {
        var user = "A carousel of exactly \(slideCount) slides about:\n\(prompt)"
        if !problems.isEmpty {
            user += "\n\nYour previous answer was invalid. Fix these problems:\n" + problems.map { "- \($0)" }.joined(separator: "\n")
        }
        return try await client.completeJSON(system: Self.system, user: user)
    }
}
