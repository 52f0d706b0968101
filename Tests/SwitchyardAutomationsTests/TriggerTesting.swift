// What the trigger suites share: building triggers the way the API does, through the validator.

@testable import SwitchyardAutomations
import SwitchyardAPI
import SwitchyardCore
import Testing

/// Builds triggers from JSON through ``TriggerValidator``, as the API does.
enum TriggerTesting {
    /// Where the API puts a trigger in its requests.
    static let root = JSONPointer.root.appending("trigger")

    /// The JSON in `text`.
    static func json(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: Array(text.utf8))
    }

    /// The trigger `json` stands for; records an issue and throws when the validator refuses it.
    static func trigger(_ json: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) throws -> Trigger {
        switch TriggerValidator.validate(json, at: root) {
        case .success(let trigger):
            return trigger
        case .failure(let problems):
            Issue.record("refused: \(problems.problems.map { "\($0.field): \($0.message)" })", sourceLocation: sourceLocation)
            throw problems
        }
    }

    /// A `chatbot.message.received` trigger with these conditions, validated and compiled.
    static func compiled(_ conditions: [JSONValue], match: TriggerMatch = .all, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> CompiledTrigger
    {
        let json: JSONValue = [
            "event_type": "chatbot.message.received", "conditions": .array(conditions), "match": .string(match.rawValue),
        ]
        return CompiledTrigger(try trigger(json, sourceLocation: sourceLocation))
    }

    /// Whether the one condition `{path, op, value?}` holds for `body` (`value` nil: left out).
    static func holds(
        _ path: String, _ op: TriggerOperator, _ value: JSONValue?, in body: JSONValue, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Bool {
        var condition: [String: JSONValue] = ["path": .string(path), "op": .string(op.rawValue)]
        if let value { condition["value"] = value }
        return try compiled([.object(condition)], sourceLocation: sourceLocation).evaluate(body) != nil
    }
}
