// The offline planner: a ProjectPlan assembled from the analysis by a template.

import Foundation
public import SwitchyardCore
public import SwitchyardProviders

/// Builds a plan from the analysis without a model: one feature per requirement (the first
/// two high priority, the next two medium, the rest low; complexity from the requirement's
/// length; every feature after the first depends on the first), a stack chosen from the
/// technologies the client named (defaults otherwise), a monolith, hours per complexity, three
/// phases. Deterministic, and always valid by ``ProjectPlanValidator``.
public struct OfflinePlanner: ProjectPlanner {
    public let name = "offline"

    public init() {}

    public func plan(_ analysis: ProjectAnalysis, repairing problems: [String]) async throws(ProviderError) -> JSONValue {
        let named = Set((analysis.preferences["technologies"] ?? []).map { $0.lowercased() })
        func pick(_ options: [(String, [String])], otherwise: [String]) -> [String] {
            options.first { named.contains($0.0) }?.1 ?? otherwise
        }
        let frontend = pick([("react", ["React", "TypeScript"]), ("vue", ["Vue", "TypeScript"]), ("ios", ["SwiftUI"]),
                             ("swift", ["SwiftUI"]), ("android", ["Kotlin", "Jetpack Compose"]), ("flutter", ["Flutter"])],
                            otherwise: ["React", "TypeScript"])
        let backend = pick([("django", ["Python", "Django"]), ("python", ["Python", "FastAPI"]), ("rails", ["Ruby on Rails"]),
                            ("node", ["Node.js", "Express"]), ("swift", ["Swift", "Hummingbird"])],
                           otherwise: ["Swift", "Hummingbird"])
        let database = pick([("mysql", ["MySQL"]), ("mongodb", ["MongoDB"]), ("firebase", ["Firestore"])], otherwise: ["PostgreSQL"])[0]
        let deployment = pick([("aws", ["AWS"]), ("gcp", ["Google Cloud"]), ("azure", ["Azure"]), ("vercel", ["Vercel"])],
                              otherwise: ["Docker on one VM"])[0]

        let hoursByComplexity = ["low": 8, "medium": 16, "high": 32]
        var features: [JSONValue] = []
        var hours = 0
        for (index, requirement) in analysis.requirements.enumerated() {
            let words = requirement.split(separator: " " as Character).count
            let complexity = words > 16 ? "high" : words > 9 ? "medium" : "low"
            hours += hoursByComplexity[complexity] ?? 8
            features.append(.object([
                "id": .string("f\(index + 1)"),
                "name": .string(OfflineAnalyst.title(from: requirement, words: 5)),
                "description": .string(requirement),
                "priority": .string(index < 2 ? "high" : index < 4 ? "medium" : "low"),
                "complexity": .string(complexity),
                "dependencies": .array(index == 0 ? [] : [.string("f1")]),
            ]))
        }
        var components: [JSONValue] = [.string("\(frontend[0]) client"), .string("\(backend.last ?? "API") API server"), .string(database)]
        if named.contains("stripe") { components.append("Stripe payments") }
        let strings: ([String]) -> JSONValue = { .array($0.map(JSONValue.string)) }
        return .object([
            "name": .string(analysis.projectName),
            "description": .string(analysis.description),
            "techStack": .object(["frontend": strings(frontend), "backend": strings(backend), "database": .string(database),
                                  "deployment": .string(deployment)]),
            "features": .array(features),
            "architecture": .object(["type": "monolith", "components": .array(components)]),
            "timeline": .object([
                "estimated_hours": .int(Int64(hours)),
                "phases": .array([
                    .object(["name": "Foundation", "hours": .int(Int64(hours / 4))]),
                    .object(["name": "Features", "hours": .int(Int64(hours / 2))]),
                    .object(["name": "Testing and launch", "hours": .int(Int64(hours - hours / 4 - hours / 2))]),
                ]),
            ]),
            "fileStructure": strings(["README.md", "client/", "server/", "server/migrations/", "tests/"]),
            "dependencies": strings(frontend + backend + [database]),
        ])
    }
}
