// Checks a trigger as tenants send it and builds a Trigger, naming each problem by its JSON
// Pointer.

import SwitchyardAPI
import SwitchyardCore

/// Validates a trigger `{"event_type", "conditions"?, "match"?}` and builds a ``Trigger``.
///
/// Every problem is found, not just the first (up to ``maximumProblems``): an event type that
/// isn't a chatbot event of the catalog, more than ``maximumConditions`` conditions, a path that
/// isn't a singular JSONPath query, an unknown `op`, a `value` the `op` can't use, a `match`
/// other than `all` or `any`, and unknown fields. An optional member may be left out; when it
/// is present it must have the right type (`null` is not taken for absent).
enum TriggerValidator {
    /// The most conditions a trigger may have.
    static let maximumConditions = 20
    /// The most problems reported for one trigger.
    static let maximumProblems = 50
    /// The event types a trigger may wait for: the catalog's `chatbot.` types, in its order.
    static let eventTypes = EventCatalog.types.map(\.name).filter { $0.hasPrefix("chatbot.") }

    /// The trigger in `json`, or every problem found (at most ``maximumProblems``).
    /// - Parameters:
    ///   - json: The trigger as the tenant sent it.
    ///   - root: Where the trigger is in the request (`JSONPointer.root.appending("trigger")`);
    ///     each problem's `field` is a pointer below it, such as `/trigger/conditions/1/op`.
    static func validate(_ json: JSONValue, at root: JSONPointer) -> Result<Trigger, TriggerProblems> {
        var problems: [APIError.Problem] = []
        func problem(_ pointer: JSONPointer, _ message: String) {
            if problems.count < maximumProblems { problems.append(APIError.Problem(field: pointer.description, message: message)) }
        }
        guard case .object(let members) = json else {
            problem(root, "expected a trigger object {event_type, conditions?, match?}, got \(json.kindName)")
            return .failure(TriggerProblems(problems: problems))
        }
        for key in members.keys.sorted() where !["event_type", "conditions", "match"].contains(key) {
            problem(root.appending(key), "unknown field; a trigger has event_type, conditions and match")
        }
        let eventType = self.eventType(members["event_type"], at: root.appending("event_type"), problem: problem)
        let conditions = self.conditions(members["conditions"], at: root.appending("conditions"), problem: problem)
        let match = self.match(members["match"], at: root.appending("match"), problem: problem)
        guard problems.isEmpty, let eventType, let conditions, let match else {
            return .failure(TriggerProblems(problems: problems))
        }
        return .success(Trigger(eventType: eventType, conditions: conditions, match: match))
    }

    /// The event type, nil when it is missing or not a chatbot type of the catalog.
    private static func eventType(_ value: JSONValue?, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void) -> String? {
        let expected = "expected a chatbot event type (\(eventTypes.joined(separator: ", ")))"
        guard case .string(let name)? = value else {
            problem(pointer, "\(expected), got \(value?.kindName ?? "nothing")")
            return nil
        }
        guard eventTypes.contains(name) else {
            let known = EventCatalog.type(named: name) != nil
            problem(pointer, "\(expected), got \(name.jsonQuoted)\(known ? ", which is not a chatbot event" : ", which is not in the event catalog")")
            return nil
        }
        return name
    }

    /// The conditions (none when the member is absent), nil when any is invalid.
    private static func conditions(
        _ value: JSONValue?, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void
    ) -> [TriggerCondition]? {
        guard let value else { return [] }
        guard case .array(let items) = value else {
            problem(pointer, "expected an array of conditions {path, op, value?}, got \(value.kindName)")
            return nil
        }
        if items.count > maximumConditions {
            problem(pointer, "expected at most \(maximumConditions) conditions, got \(items.count)")
        }
        var conditions: [TriggerCondition] = []
        var valid = true
        for (index, item) in items.enumerated() {
            if let condition = condition(item, at: pointer.appending(index), problem: problem) {
                conditions.append(condition)
            } else {
                valid = false
            }
        }
        return valid ? conditions : nil
    }

    /// How the conditions combine (`all` when the member is absent), nil when it is neither.
    private static func match(_ value: JSONValue?, at pointer: JSONPointer, problem: (JSONPointer, String) -> Void) -> TriggerMatch? {
        guard let value else { return .all }
        guard case .string(let name) = value, let match = TriggerMatch(rawValue: name) else {
            problem(pointer, "expected \"all\" or \"any\", got \(value.string?.jsonQuoted ?? value.kindName)")
            return nil
        }
        return match
    }
}
