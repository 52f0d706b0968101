// Checks a workflow definition as tenants send it, naming each problem by its JSON Pointer.

public import SwitchyardCore
public import SwitchyardJSONPath

/// Validates a definition in the seed's format and builds a ``WorkflowDefinition``.
///
/// Every problem names its place as a JSON Pointer into the request (the definition's own
/// pointer is given, e.g. `/definition`): an unknown transformer, a missing or dangling
/// `start_step` / `next_step`, steps no path reaches, a cycle, an invalid JSONPath (with its
/// character position), bad retry numbers, a step called `job_input`.
public struct WorkflowValidator: Sendable {
    /// One problem.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Where, as a JSON Pointer into the request (`/definition/steps/score/input_map/items`).
        public var pointer: String
        /// What is wrong.
        public var message: String

        public var description: String { "\(pointer): \(message)" }
    }

    /// Whether a transformer id is known: a built-in type, or one of the tenant's.
    public var knowsTransformer: @Sendable (String) -> Bool

    /// The most steps a definition may have.
    public static let maxSteps = 200

    /// Creates a validator.
    /// - Parameter knowsTransformer: Whether a `transformer_id` names a transformer.
    public init(knowsTransformer: @escaping @Sendable (String) -> Bool) {
        self.knowsTransformer = knowsTransformer
    }

    /// What validation found.
    public enum Outcome: Sendable {
        /// A valid definition.
        case success(WorkflowDefinition)
        /// Every problem found (the first ones: at most 50).
        case failure([Problem])
    }

    /// The definition, or every problem found (the first ones: at most 50).
    public func validate(_ json: JSONValue, at root: JSONPointer = .root) -> Outcome {
        var problems: [Problem] = []
        func problem(_ pointer: JSONPointer, _ message: String) {
            if problems.count < 50 { problems.append(Problem(pointer: pointer.description, message: message)) }
        }
        guard case .object(let members) = json else {
            return .failure([Problem(pointer: root.description, message: "expected an object {start_step, steps, output_map?}, got \(json.kindName)")])
        }
        for key in members.keys.sorted() where !["start_step", "steps", "output_map"].contains(key) {
            problem(root.appending(key), "unknown field; a definition has start_step, steps and output_map")
        }
        guard case .object(let stepsJSON)? = members["steps"], !stepsJSON.isEmpty else {
            problem(root.appending("steps"), "expected an object of steps by id, got \(members["steps"]?.kindName ?? "nothing")")
            return .failure(problems)
        }
        if stepsJSON.count > Self.maxSteps {
            problem(root.appending("steps"), "at most \(Self.maxSteps) steps, got \(stepsJSON.count)")
        }
        var steps: [String: WorkflowDefinition.Step] = [:]
        for (id, stepJSON) in stepsJSON.sorted(by: { $0.key < $1.key }) {
            let pointer = root.appending("steps").appending(id)
            if id == "job_input" { problem(pointer, "a step may not be called job_input (the job's input is $.job_input)") }
            if id.isEmpty || id.count > 100 { problem(pointer, "a step id has 1 to 100 characters") }
            if let step = self.step(id, stepJSON, at: pointer, problem: problem) { steps[id] = step }
        }
        let startPointer = root.appending("start_step")
        var startStep = ""
        if let start = members["start_step"]?.string {
            startStep = start
            if stepsJSON[start] == nil { problem(startPointer, "names no step: '\(start)'") }
        } else {
            problem(startPointer, "expected the id of the first step, got \(members["start_step"]?.kindName ?? "nothing")")
        }
        for (id, step) in steps {
            let pointer = root.appending("steps").appending(id)
            if let next = step.nextStep, stepsJSON[next] == nil {
                problem(pointer.appending("next_step"), "names no step: '\(next)'")
            }
            for (index, branch) in step.branches.enumerated() {
                if let next = branch.nextStep, stepsJSON[next] == nil {
                    problem(pointer.appending("branches").appending(index).appending("next_step"), "names no step: '\(next)'")
                }
            }
        }
        var outputMap: [String: JSONPath]?
        if let value = members["output_map"], value != .null {
            outputMap = Self.queryMap(value, at: root.appending("output_map"), problem: problem)
        }
        if problems.isEmpty {
            checkGraph(steps, start: startStep, root: root, problem: problem)
        }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(WorkflowDefinition(startStep: startStep, steps: steps, outputMap: outputMap))
    }

    private func step(
        _ id: String, _ json: JSONValue, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void
    ) -> WorkflowDefinition.Step? {
        guard case .object(let members) = json else {
            problem(pointer, "expected a step {transformer_id, input_map?, retry?, branches?, next_step?}, got \(json.kindName)")
            return nil
        }
        for key in members.keys.sorted() where !["transformer_id", "input_map", "retry", "branches", "next_step", "description"].contains(key) {
            problem(pointer.appending(key), "unknown field; a step has transformer_id, input_map, retry, branches, next_step, description")
        }
        var transformer = ""
        if let id = members["transformer_id"]?.string, !id.isEmpty {
            transformer = id
            if !knowsTransformer(id) {
                problem(pointer.appending("transformer_id"), "unknown transformer '\(id)': not a built-in type (echo, map, http, llm, transcribe, delay) nor one of yours")
            }
        } else {
            problem(pointer.appending("transformer_id"), "expected a transformer id, got \(members["transformer_id"]?.kindName ?? "nothing")")
        }
        var inputMap: [String: JSONPath]?
        if let value = members["input_map"], value != .null {
            inputMap = Self.queryMap(value, at: pointer.appending("input_map"), problem: problem)
        }
        var retry = WorkflowDefinition.RetryPolicy.none
        if let value = members["retry"], value != .null {
            retry = policy(value, at: pointer.appending("retry"), problem: problem)
        }
        var branches: [WorkflowDefinition.Branch] = []
        if let value = members["branches"], value != .null {
            guard case .array(let items) = value else {
                problem(pointer.appending("branches"), "expected an array of {when, next_step}, got \(value.kindName)")
                return nil
            }
            for (index, item) in items.enumerated() {
                let at = pointer.appending("branches").appending(index)
                guard let when = item["when"]?.string else {
                    problem(at.appending("when"), "expected a JSONPath query, got \(item["when"]?.kindName ?? "nothing")")
                    continue
                }
                guard let query = Self.query(when, at: at.appending("when"), problem: problem) else { continue }
                guard let next = successor(item["next_step"], at: at.appending("next_step"), problem: problem) else { continue }
                branches.append(WorkflowDefinition.Branch(when: query, nextStep: next))
            }
        }
        guard let next = successor(members["next_step"], at: pointer.appending("next_step"), problem: problem) else { return nil }
        return WorkflowDefinition.Step(
            id: id, transformerID: transformer, inputMap: inputMap, retry: retry, branches: branches, nextStep: next)
    }

    /// A `next_step` value: a step id, or null (or absent) for the end. nil: invalid.
    private func successor(_ value: JSONValue?, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void) -> String?? {
        switch value {
        case nil, .null?: return .some(nil)
        case .string(let id)?: return .some(id)
        case let other?:
            problem(pointer, "expected a step id or null, got \(other.kindName)")
            return nil
        }
    }

    /// A map of JSONPath queries by key (a step's `input_map`, a definition's `output_map`, an
    /// automation's `input_map`), compiled; nil when `value` is not an object. Each problem is
    /// reported with its JSON Pointer under `pointer`; keys whose query is bad are left out.
    public static func queryMap(
        _ value: JSONValue, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void
    ) -> [String: JSONPath]? {
        guard case .object(let members) = value else {
            problem(pointer, "expected an object of JSONPath queries by key, got \(value.kindName)")
            return nil
        }
        var map: [String: JSONPath] = [:]
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let text = value.string else {
                problem(pointer.appending(key), "expected a JSONPath query (a string), got \(value.kindName)")
                continue
            }
            if let compiled = query(text, at: pointer.appending(key), problem: problem) { map[key] = compiled }
        }
        return map
    }

    private static func query(_ text: String, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void) -> JSONPath? {
        do {
            return try JSONPath(text)
        } catch {
            problem(pointer, "invalid JSONPath \(text.debugDescription): \(error)")
            return nil
        }
    }

    private func policy(
        _ value: JSONValue, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void
    ) -> WorkflowDefinition.RetryPolicy {
        guard case .object(let members) = value else {
            problem(pointer, "expected {max_retries, backoff_seconds, max_backoff_seconds}, got \(value.kindName)")
            return .none
        }
        func number(_ key: String, _ range: ClosedRange<Double>, default fallback: Double) -> Double {
            guard let value = members[key] else { return fallback }
            let number: Double? = switch value {
            case .int(let int): Double(int)
            case .double(let double): double
            default: nil
            }
            guard let number, range.contains(number) else {
                let bounds = [range.lowerBound, range.upperBound].map { bound in Int(exactly: bound).map(String.init) ?? "\(bound)" }
                problem(pointer.appending(key), "expected a number in \(bounds[0])...\(bounds[1]), got \(value.excerpt())")
                return fallback
            }
            return number
        }
        for key in members.keys.sorted() where !["max_retries", "backoff_seconds", "max_backoff_seconds"].contains(key) {
            problem(pointer.appending(key), "unknown field; retry has max_retries, backoff_seconds, max_backoff_seconds")
        }
        let retries = number("max_retries", 0...20, default: 0)
        if retries != retries.rounded() { problem(pointer.appending("max_retries"), "expected a whole number, got \(retries)") }
        let backoff = number("backoff_seconds", 0...3_600, default: 1)
        let maximum = number("max_backoff_seconds", 0...86_400, default: max(60, backoff))
        if maximum < backoff {
            problem(pointer.appending("max_backoff_seconds"), "must not be less than backoff_seconds (\(backoff))")
        }
        return WorkflowDefinition.RetryPolicy(maxRetries: Int(retries), backoffSeconds: backoff, maxBackoffSeconds: maximum)
    }

    /// Every step reachable from the start, and no cycle (a job runs each step at most once).
    private func checkGraph(
        _ steps: [String: WorkflowDefinition.Step], start: String, root: JSONPointer, problem: (JSONPointer, String) -> Void
    ) {
        func successors(_ id: String) -> [String] {
            guard let step = steps[id] else { return [] }
            return step.branches.compactMap(\.nextStep) + [step.nextStep].compactMap { $0 }
        }
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var cycle: [String]?
        func visit(_ id: String, _ path: [String]) {
            guard cycle == nil else { return }
            switch marks[id] {
            case .visiting?:
                cycle = Array(path.drop(while: { $0 != id })) + [id]
                return
            case .done?:
                return
            case nil:
                marks[id] = .visiting
                for next in successors(id) { visit(next, path + [id]) }
                marks[id] = .done
            }
        }
        visit(start, [])
        if let cycle {
            problem(root.appending("steps").appending(cycle[cycle.count - 2]).appending("next_step"),
                    "a cycle: \(cycle.joined(separator: " → ")) (a job runs each step at most once)")
        }
        for id in steps.keys.sorted() where marks[id] == nil {
            problem(root.appending("steps").appending(id), "unreachable: no path from start_step '\(start)' leads here")
        }
    }
}
