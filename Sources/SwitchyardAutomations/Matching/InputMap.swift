// An automation's input_map: JSONPath queries by key over the event and its chatbot.

import SwitchyardAPI
import SwitchyardCore
import SwitchyardJSONPath

/// `{"key": "<JSONPath>", ...}`: each key of the job's input is what its query selects in
/// `{"event": <event body>, "chatbot": {"id", "name"}}` (one node: its value; several: an array
/// of them; none: the key is absent), as a workflow step's `input_map`.
enum InputMap {
    /// The most keys a map may have.
    static let maxKeys = 100

    /// The compiled map in `json`, or the problems found, each named by a JSON Pointer under `root`.
    static func parse(_ json: JSONValue, at root: JSONPointer) -> Result<[String: JSONPath], TriggerProblems> {
        guard case .object(let members) = json else {
            return .failure(TriggerProblems(problems: [
                APIError.Problem(field: root.description, message: "expected an object of JSONPath queries by key, got \(json.kindName)"),
            ]))
        }
        guard members.count <= maxKeys else {
            return .failure(TriggerProblems(problems: [
                APIError.Problem(field: root.description, message: "expected at most \(maxKeys) keys, got \(members.count)"),
            ]))
        }
        var map: [String: JSONPath] = [:]
        var problems: [APIError.Problem] = []
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            let pointer = root.appending(key).description
            guard let text = value.string else {
                problems.append(APIError.Problem(field: pointer, message: "expected a JSONPath query (a string), got \(value.kindName)"))
                continue
            }
            do {
                map[key] = try JSONPath(text)
            } catch {
                problems.append(APIError.Problem(field: pointer, message: "invalid JSONPath \(text.debugDescription): \(error)"))
            }
        }
        return problems.isEmpty ? .success(map) : .failure(TriggerProblems(problems: problems))
    }

    /// The job's input: `map` over the event and chatbot, or the event body when there is no map.
    static func input(_ map: [String: JSONPath]?, event: JSONValue, chatbot: JSONValue) -> JSONValue {
        guard let map else { return event }
        let document = JSONValue.object(["event": event, "chatbot": chatbot])
        var input: [String: JSONValue] = [:]
        for (key, query) in map {
            let values = query.values(in: document)
            switch values.count {
            case 0: continue
            case 1: input[key] = values[0]
            default: input[key] = .array(values)
            }
        }
        return .object(input)
    }
}
