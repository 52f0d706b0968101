// What a conversation asked for: the analysis stage's output.

import Foundation
public import SwitchyardCore

/// A project as the analysis of a conversation describes it (stored as `projects.analysis`).
public struct ProjectAnalysis: Sendable, Codable, Equatable {
    /// A short name for the project.
    public var projectName: String
    /// One or two sentences on what it is.
    public var description: String
    /// What the client asked for, one requirement per entry.
    public var requirements: [String]
    /// Preferences mentioned (`technologies`, `platforms`, ...).
    public var preferences: [String: [String]]
    /// When the client wants it, in their words ("in six weeks"), or "not discussed".
    public var timeline: String
    /// `high`, `medium` or `low`.
    public var priority: String

    /// Creates an analysis.
    public init(
        projectName: String, description: String, requirements: [String], preferences: [String: [String]], timeline: String,
        priority: String
    ) {
        self.projectName = projectName
        self.description = description
        self.requirements = requirements
        self.preferences = preferences
        self.timeline = timeline
        self.priority = priority
    }

    /// The analysis as it is stored (`projects.analysis`): the members of its `Codable` form,
    /// written without Foundation's encoder.
    public var json: JSONValue {
        .object([
            "projectName": .string(projectName), "description": .string(description),
            "requirements": .array(requirements.map(JSONValue.string)),
            "preferences": .object(preferences.mapValues { .array($0.map(JSONValue.string)) }),
            "timeline": .string(timeline), "priority": .string(priority),
        ])
    }

    /// The problems that make an analysis (from a model) unusable; empty when it is fine.
    public var problems: [String] {
        var problems: [String] = []
        if projectName.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("projectName: empty") }
        if requirements.isEmpty { problems.append("requirements: none") }
        if !["high", "medium", "low"].contains(priority) { problems.append("priority: expected high, medium or low, got '\(priority)'") }
        return problems
    }
}
