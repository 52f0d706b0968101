// Checking a ProjectPlan (from a model or the offline planner) before anything is stored.

public import SwitchyardCore

/// Validates a ProjectPlan as JSON: required fields and their types, allowed enum values,
/// unique feature ids, dependencies that name existing features, and no dependency cycles.
///
/// The plan's shape: `name`, `description`, `techStack{frontend[], backend[], database,
/// deployment}`, `features[]` of `{id, name, description, priority: high|medium|low,
/// complexity, dependencies[]}`, `architecture{type: monolith|microservices|serverless,
/// components[]}`, `timeline{estimated_hours, phases[]}`, `fileStructure[]`, `dependencies[]`.
public enum ProjectPlanValidator {
    /// Every problem in `plan`, each naming its JSON path (`features[2].dependencies[0]: ...`);
    /// empty when the plan is valid.
    public static func problems(in plan: JSONValue) -> [String] {
        var problems: [String] = []
        guard case .object = plan else { return ["the plan: expected an object, got \(plan.kindName)"] }
        func require(_ value: JSONValue?, _ path: String, _ expected: String, _ accepts: (JSONValue) -> Bool) {
            guard let value else {
                problems.append("\(path): missing (expected \(expected))")
                return
            }
            if !accepts(value) { problems.append("\(path): expected \(expected), got \(value.kindName)") }
        }
        let nonEmptyString: (JSONValue) -> Bool = { ($0.string.map { !$0.isEmpty }) ?? false }
        let stringArray: (JSONValue) -> Bool = { value in
            guard case .array(let items) = value else { return false }
            return items.allSatisfy { $0.string != nil }
        }
        let isObject: (JSONValue) -> Bool = { if case .object = $0 { true } else { false } }
        let isArray: (JSONValue) -> Bool = { if case .array = $0 { true } else { false } }
        let isNumber: (JSONValue) -> Bool = { switch $0 { case .int, .double: true; default: false } }

        require(plan["name"], "name", "a non-empty string", nonEmptyString)
        require(plan["description"], "description", "a non-empty string", nonEmptyString)
        require(plan["techStack"], "techStack", "an object", isObject)
        if case .object = plan["techStack"] {
            require(plan["techStack"]?["frontend"], "techStack.frontend", "an array of strings", stringArray)
            require(plan["techStack"]?["backend"], "techStack.backend", "an array of strings", stringArray)
            require(plan["techStack"]?["database"], "techStack.database", "a non-empty string", nonEmptyString)
            require(plan["techStack"]?["deployment"], "techStack.deployment", "a non-empty string", nonEmptyString)
        }
        require(plan["architecture"], "architecture", "an object", isObject)
        if case .object = plan["architecture"] {
            require(plan["architecture"]?["type"], "architecture.type", "monolith, microservices or serverless") {
                ["monolith", "microservices", "serverless"].contains($0.string ?? "")
            }
            require(plan["architecture"]?["components"], "architecture.components", "an array", isArray)
        }
        require(plan["timeline"], "timeline", "an object", isObject)
        if case .object = plan["timeline"] {
            require(plan["timeline"]?["estimated_hours"], "timeline.estimated_hours", "a number", isNumber)
            require(plan["timeline"]?["phases"], "timeline.phases", "an array", isArray)
        }
        require(plan["fileStructure"], "fileStructure", "an array", isArray)
        require(plan["dependencies"], "dependencies", "an array", isArray)
        require(plan["features"], "features", "a non-empty array of features") {
            if case .array(let items) = $0 { !items.isEmpty } else { false }
        }
        guard case .array(let features) = plan["features"] else { return problems }

        var ids: [String: Int] = [:]
        for (index, feature) in features.enumerated() {
            let path = "features[\(index)]"
            guard case .object = feature else {
                problems.append("\(path): expected an object, got \(feature.kindName)")
                continue
            }
            require(feature["id"], "\(path).id", "a non-empty string", nonEmptyString)
            require(feature["name"], "\(path).name", "a non-empty string", nonEmptyString)
            require(feature["description"], "\(path).description", "a string") { $0.string != nil }
            require(feature["priority"], "\(path).priority", "high, medium or low") { ["high", "medium", "low"].contains($0.string ?? "") }
            require(feature["complexity"], "\(path).complexity", "a string or a number") { $0.string != nil || isNumber($0) }
            require(feature["dependencies"], "\(path).dependencies", "an array of feature ids", stringArray)
            if let id = feature["id"]?.string, !id.isEmpty {
                if let earlier = ids[id] {
                    problems.append("\(path).id: '\(id)' is also the id of features[\(earlier)]")
                } else {
                    ids[id] = index
                }
            }
        }
        var graph: [String: [String]] = [:]
        for (index, feature) in features.enumerated() {
            guard let id = feature["id"]?.string, case .array(let dependencies)? = feature["dependencies"] else { continue }
            for (position, dependency) in dependencies.enumerated() {
                guard let name = dependency.string else { continue }
                if ids[name] == nil {
                    problems.append("features[\(index)].dependencies[\(position)]: '\(name)' is not the id of a feature")
                } else {
                    graph[id, default: []].append(name)
                }
            }
        }
        if let cycle = firstCycle(in: graph, order: features.compactMap { $0["id"]?.string }) {
            problems.append("features: dependency cycle \(cycle.joined(separator: " → "))")
        }
        return problems
    }

    /// A dependency cycle (`a → b → a`), searching from features in `order`.
    private static func firstCycle(in graph: [String: [String]], order: [String]) -> [String]? {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var path: [String] = []
        func visit(_ node: String) -> [String]? {
            switch marks[node] {
            case .done: return nil
            case .visiting:
                let start = path.firstIndex(of: node) ?? 0
                return Array(path[start...]) + [node]
            case nil: break
            }
            marks[node] = .visiting
            path.append(node)
            for next in graph[node, default: []] {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            marks[node] = .done
            return nil
        }
        for node in order {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }
}
