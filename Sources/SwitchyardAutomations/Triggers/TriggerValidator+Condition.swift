// Checks one condition of a trigger: its path, its op, and the value that op needs.

import SwitchyardCore
import SwitchyardJSONPath

extension TriggerValidator {
    /// The condition in `json`, nil when anything about it is wrong (each problem reported).
    static func condition(_ json: JSONValue, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void) -> TriggerCondition? {
        guard case .object(let members) = json else {
            problem(pointer, "expected a condition object {path, op, value?}, got \(json.kindName)")
            return nil
        }
        for key in members.keys.sorted() where !["path", "op", "value"].contains(key) {
            problem(pointer.appending(key), "unknown field; a condition has path, op and value")
        }
        let path = self.path(members["path"], at: pointer.appending("path"), problem: problem)
        guard let op = self.op(members["op"], at: pointer.appending("op"), problem: problem) else { return nil }
        let value = members["value"]
        if let message = op.problem(with: value) {
            problem(pointer.appending("value"), message)
            return nil
        }
        guard let path else { return nil }
        return TriggerCondition(path: path, op: op, value: value)
    }

    /// The path, nil when it is not a singular JSONPath query.
    private static func path(_ value: JSONValue?, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void) -> String? {
        let expected = "expected a singular JSONPath query such as $.text"
        guard case .string(let text)? = value else {
            problem(pointer, "\(expected), got \(value?.kindName ?? "nothing")")
            return nil
        }
        let query: JSONPath
        do {
            query = try JSONPath(text)
        } catch {
            problem(pointer, "\(expected), got \(text.jsonQuoted), which is not JSONPath: \(error)")
            return nil
        }
        guard query.isSingular else {
            problem(pointer, "\(expected), got \(text.jsonQuoted), which may select several nodes; a path must select at most one node (names and indices only)")
            return nil
        }
        return text
    }

    /// The operator, nil when it is not one.
    private static func op(_ value: JSONValue?, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void) -> TriggerOperator? {
        guard case .string(let name)? = value, let op = TriggerOperator(rawValue: name) else {
            let got = value.map { $0.string?.jsonQuoted ?? $0.kindName } ?? "nothing"
            problem(pointer, "expected one of \(TriggerOperator.allCases.map(\.rawValue).joined(separator: ", ")), got \(got)")
            return nil
        }
        return op
    }
}
