// The analyst and the planner backed by a chat model.

import Foundation
public import SwitchyardCore
public import SwitchyardProviders

/// Analysis by a chat model: the transcript in, `{projectName, description, requirements[],
/// preferences{}, timeline, priority}` out.
public struct LanguageModelAnalyst: ProjectAnalyst {
    public var name: String { client.model }
    private let client: OpenAIChatClient

    /// Creates the analyst.
    public init(client: OpenAIChatClient) {
        self.client = client
    }

    static let system = """
        You analyse the transcript of a call in which a client describes software they want built. Answer with one JSON \
        object: {"projectName": string, "description": string, "requirements": [string], "preferences": {string: [string]}, \
        "timeline": string, "priority": "high"|"medium"|"low"}. Requirements are what the client asked for, one per entry.
        """

    public func analyse(_ transcript: Transcript) async throws(ProviderError) -> ProjectAnalysis {
        let text = transcript.turns.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
        let json = try await client.completeJSON(system: Self.system, user: text)
        do {
            return try JSONValueDecoder().decode(ProjectAnalysis.self, from: json)
        } catch {
            throw ProviderError(
                .permanent, "invalid_analysis",
                "the model's analysis does not have the expected fields: \((error as? DecodingError)?.fieldDescription ?? "\(error)")")
        }
    }
}

/// Planning by a chat model; a repair request carries the previous plan's problems.
public struct LanguageModelPlanner: ProjectPlanner {
    public var name: String { client.model }
    private let client: OpenAIChatClient

    /// Creates the planner.
    public init(client: OpenAIChatClient) {
        self.client = client
    }

    static let system = """
        You plan software projects. Answer with one JSON object, a ProjectPlan: {"name", "description", \
        "techStack": {"frontend": [string], "backend": [string], "database": string, "deployment": string}, \
        "features": [{"id", "name", "description", "priority": "high"|"medium"|"low", "complexity", "dependencies": [feature id]}], \
        "architecture": {"type": "monolith"|"microservices"|"serverless", "components": [...]}, \
        "timeline": {"estimated_hours": number, "phases": [...]}, "fileStructure": [...], "dependencies": [...]}. \
        Feature dependencies must name features of the plan and must not form a cycle.
        """

    public func plan(_ analysis: ProjectAnalysis, repairing problems: [String]) async throws(ProviderError) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var user = "Plan this project:\n" + String(decoding: (try? encoder.encode(analysis)) ?? Data(), as: UTF8.self)
        if !problems.isEmpty {
            user += "\n\nYour previous plan was invalid. Fix these problems:\n" + problems.map { "- \($0)" }.joined(separator: "\n")
        }
        return try await client.completeJSON(system: Self.system, user: user)
    }
}
