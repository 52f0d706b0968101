// An automation's input_map: JSONPath queries by key over the event and its chatbot.

import SwitchyardAPI
import SwitchyardCore
import SwitchyardJSONPath
import SwitchyardWorkflows

/// `{"key": "<JSONPath>", ...}`: each key of the job's input is what its query selects in
/// `{"event": <event body>, "chatbot": {"id", "name"}}`, exactly as a workflow step's
/// `input_map` (parsed by ``WorkflowValidator/queryMap(_:at:problem:)``, applied by
/// ``WorkflowDefinition/apply(_:to:)``).
enum InputMap {
    /// The most keys a map may have.
    static let maxKeys = 100

    /// The compiled map in `json`, or the problems found, each named by a JSON Pointer under `root`.
    static func parse(_ json: JSONValue, at root: JSONPointer) -> Result<[String: JSONPath], TriggerProblems> {
        if case .object(let members) = json, members.count > maxKeys {
            return .failure(TriggerProblems(problems: [
                APIError.Problem(field: root.description, message: "expected at most \(maxKeys) keys, got \(members.count)"),
            ]))
        }
        var problems: [APIError.Problem] = []
        let map = WorkflowValidator.queryMap(json, at: root) { pointer, message in
            problems.append(APIError.Problem(field: pointer.description, message: message))
        }
        guard let map, problems.isEmpty else { return .failure(TriggerProblems(problems: problems)) }
        return .success(map)
    }

    /// The most input the jobs that one event starts may hold between them, as JSON text: a
    /// job's data limit (``WorkflowDefinition/jobDataLimit``, 64 MiB). A chatbot may have 500
    /// automations, each starting a job with its own copy of the event; past the limit the
    /// executions record why no job started.
    static let eventInputLimit = WorkflowDefinition.jobDataLimit

    /// The job's input: `map` over the event and chatbot, or the event body when there is no map.
    /// - Throws: ``JSONPathError`` when the map's queries need more than
    ///   ``JSONPath/defaultWorkLimit`` on this event (`workLimitExceeded`), select more nodes
    ///   than a nodelist holds (`nodeLimitExceeded`) or more JSON than a map's result
    ///   (`resultTooLarge`).
    static func input(_ map: [String: JSONPath]?, event: JSONValue, chatbot: JSONValue) throws(JSONPathError) -> JSONValue {
        guard let map else { return event }
        var work = JSONPath.defaultWorkLimit
        return try WorkflowDefinition.apply(map, to: .object(["event": event, "chatbot": chatbot]), work: &work)
    }
}
