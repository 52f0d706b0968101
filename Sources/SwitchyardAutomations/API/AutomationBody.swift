// The bodies of POST /v1/chatbots/{id}/automations and PATCH /v1/automations/{id}, validated.

import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardAPI
import SwitchyardCore

/// An automation's fields as a request gives them: every problem is collected and named by its
/// JSON Pointer (`/trigger/conditions/0/op`, `/input_map/text`), answered at once as 400
/// `invalid_automation`. Whether the workflow exists is checked in the tenant's transaction.
struct AutomationBody {
    /// The fields a body may have.
    static let fieldNames = ["name", "trigger", "workflow_id", "input_map", "is_active"]

    var name: String?
    var trigger: Trigger?
    var workflowID: String?
    /// `.some(nil)`: `"input_map": null` (no map: the job gets the event body).
    var inputMap: String??
    var isActive: Bool?

    /// Parses a body; `complete` requires `name`, `trigger` and `workflow_id` (creation).
    /// - Throws: ``APIError`` 400 `invalid_automation` listing every problem.
    init(_ body: JSONValue, complete: Bool) throws(APIError) {
        guard case .object(let members) = body else {
            throw APIError(.badRequest, "invalid_automation",
                           "expected an object {name, trigger, workflow_id, input_map?, is_active?}, got \(body.kindName)")
        }
        var problems: [APIError.Problem] = []
        func problem(_ field: String, _ message: String) {
            problems.append(APIError.Problem(field: JSONPointer.root.appending(field).description, message: message))
        }
        for key in members.keys.sorted() where !Self.fieldNames.contains(key) {
            problem(key, "unknown field; an automation has \(Self.fieldNames.joined(separator: ", "))")
        }
        if complete || members["name"] != nil {
            if case .string(let name)? = members["name"], (1...200).contains(name.count), !name.contains("\u{0}") {
                self.name = name
            } else {
                problem("name", "expected a name of 1 to 200 characters, got \(Self.describe(members["name"]))")
            }
        }
        if complete || members["trigger"] != nil {
            switch TriggerValidator.validate(members["trigger"] ?? .null, at: JSONPointer.root.appending("trigger")) {
            case .success(let trigger): self.trigger = trigger
            case .failure(let found): problems += found.problems
            }
        }
        if complete || members["workflow_id"] != nil {
            if case .string(let id)? = members["workflow_id"], Parameters.isIdentifier(id) {
                workflowID = id
            } else {
                problem("workflow_id", "expected a workflow id (\(Parameters.identifierRule)), got \(Self.describe(members["workflow_id"]))")
            }
        }
        switch members["input_map"] {
        case nil: break
        case .null?: inputMap = .some(nil)
        case let map?:
            switch InputMap.parse(map, at: JSONPointer.root.appending("input_map")) {
            case .success: inputMap = .some(map.jsonText)
            case .failure(let found): problems += found.problems
            }
        }
        switch members["is_active"] {
        case nil: break
        case .bool(let active)?: isActive = active
        case let other?: problem("is_active", "expected true or false, got \(other.kindName)")
        }
        if !complete && problems.isEmpty && members.isEmpty {
            problem("", "expected at least one of \(Self.fieldNames.joined(separator: ", "))")
        }
        if !problems.isEmpty {
            throw APIError(.badRequest, "invalid_automation", problems: Array(problems.prefix(50)))
        }
    }

    /// The fields of a new automation (after `init(_:complete: true)` succeeded).
    var fields: AutomationStore.Fields? {
        guard let name, let trigger, let workflowID else { return nil }
        return AutomationStore.Fields(
            name: name, eventType: trigger.eventType, trigger: trigger.json.jsonText, workflowID: workflowID,
            inputMap: inputMap ?? nil, isActive: isActive ?? true)
    }

    /// The change a PATCH makes.
    var patch: AutomationStore.Patch {
        AutomationStore.Patch(
            name: name, eventType: trigger?.eventType, trigger: trigger.map(\.json.jsonText), workflowID: workflowID,
            inputMap: inputMap, isActive: isActive)
    }

    private static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        if case .string = value { return value.excerpt() }
        return value.kindName
    }
}
