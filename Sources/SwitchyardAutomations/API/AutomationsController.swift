// The automation API: attach automations to a chatbot, list, read, change, delete and copy
// them, read their change log.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPostgres
import SwitchyardWorkflows

/// `POST|GET /v1/chatbots/{chatbot_id}/automations`, `GET|PATCH|DELETE /v1/automations/{id}`,
/// `POST /v1/automations/{id}/copy` `{"chatbot_id"}`, `GET /v1/automations/{id}/changes`.
///
/// A body is validated whole (400 `invalid_automation`, every problem by JSON Pointer), then
/// in the tenant's transaction the workflow must be the tenant's or built in. Another tenant's
/// chatbot or automation is 404. Every change is logged in `automation_changes` in the same
/// transaction, with the caller's API key id.
struct AutomationsController: RouteController {
    let context: RouteContext

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.post("v1/chatbots/:chatbot_id/automations") { request, context in
            try await create(request, chatbotID: try context.parameters.uuid("chatbot_id", naming: "chatbot"), from: context.clientAddress)
        }
        router.get("v1/chatbots/:chatbot_id/automations") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let chatbotID = try context.parameters.uuid("chatbot_id", naming: "chatbot")
            let parameters = try ListParameters(request)
            let page = try await pool.asTenant(caller.tenantID, logger: logger) { connection -> Page? in
                guard try ChatbotStore.exists(chatbotID, tenantID: caller.tenantID, on: connection) else { return nil }
                return try ListRefusal.answered {
                    try AutomationStore.list(
                        chatbotID: chatbotID, tenantID: caller.tenantID, limit: parameters.limit, after: parameters.cursor, on: connection)
                }
            }
            guard let page else { throw APIError.notFound("chatbot") }
            return APIResponse.json(page.json("automations"))
        }
        router.get("v1/automations/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "automation")
            let automation = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try AutomationStore.find(id: id, tenantID: caller.tenantID, on: connection)
            }
            guard let automation else { throw APIError.notFound("automation") }
            return APIResponse.json(automation)
        }
        router.patch("v1/automations/:id") { request, context in
            try await update(request, id: try context.parameters.uuid("id", naming: "automation"), from: context.clientAddress)
        }
        router.delete("v1/automations/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "automation")
            let deleted = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try AutomationStore.delete(id: id, tenantID: caller.tenantID, keyID: caller.keyID, on: connection)
            }
            guard deleted else { throw APIError.notFound("automation") }
            return Response(status: .noContent)
        }
        router.post("v1/automations/:id/copy") { request, context in
            try await copy(request, id: try context.parameters.uuid("id", naming: "automation"), from: context.clientAddress)
        }
        router.get("v1/automations/:id/changes") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "automation")
            let changes = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try AutomationStore.changes(of: id, tenantID: caller.tenantID, on: connection)
            }
            guard !changes.isEmpty else { throw APIError.notFound("automation") }
            return APIResponse.json("{\"changes\":[\(changes.joined(separator: ","))]}")
        }
    }

    /// Creates an automation on one of the caller's chatbots: 201 with it.
    func create(_ request: Request, chatbotID: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let (bytes, json) = try await body(of: request)
        guard let fields = try AutomationBody(json, complete: true).fields else {
            throw APIError(.badRequest, "invalid_automation", "expected name, trigger and workflow_id")
        }
        let key = try IdempotencyKey(of: request, body: bytes)
        let id = UUID().uuidString.lowercased()
        let answer = try await creation.create(tenantID: caller.tenantID, key: key) { _ in id } insert: { connection in
            guard try ChatbotStore.exists(chatbotID, tenantID: caller.tenantID, on: connection) else { throw APIError.notFound("chatbot") }
            try Self.requireWorkflow(fields.workflowID, tenantID: caller.tenantID, on: connection)
            try Self.answered {
                try AutomationStore.create(
                    id: id, tenantID: caller.tenantID, chatbotID: chatbotID, fields: fields, action: "create", keyID: caller.keyID,
                    on: connection)
            }
            return []
        }
        return try await created(answer, tenantID: caller.tenantID)
    }

    /// Changes an automation: 200 with its new version.
    func update(_ request: Request, id: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let (_, json) = try await body(of: request)
        let body = try AutomationBody(json, complete: false)
        let automation = try await pool.asTenant(caller.tenantID, logger: logger) { connection -> String? in
            guard try AutomationStore.find(id: id, tenantID: caller.tenantID, on: connection) != nil else { return nil }
            if let workflowID = body.workflowID { try Self.requireWorkflow(workflowID, tenantID: caller.tenantID, on: connection) }
            return try AutomationStore.update(id: id, tenantID: caller.tenantID, patch: body.patch, keyID: caller.keyID, on: connection)
        }
        guard let automation else { throw APIError.notFound("automation") }
        return APIResponse.json(automation)
    }

    /// Copies an automation to another chatbot of the caller's: 201 with the copy.
    func copy(_ request: Request, id: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let (bytes, json) = try await body(of: request)
        guard case .object(let members) = json else {
            throw APIError(.badRequest, "invalid_copy", "expected an object {\"chatbot_id\": ...}, got \(json.kindName)")
        }
        if let unknown = members.keys.sorted().first(where: { $0 != "chatbot_id" }) {
            throw APIError(.badRequest, "invalid_copy", "unknown field; a copy takes only chatbot_id", field: JSONPointer.root.appending(unknown).description)
        }
        guard case .string(let text)? = members["chatbot_id"], let uuid = UUID(uuidString: text) else {
            throw APIError(.badRequest, "invalid_copy", "expected the id of one of your chatbots, got \(members["chatbot_id"]?.kindName ?? "nothing")",
                           field: "/chatbot_id")
        }
        let chatbotID = uuid.uuidString.lowercased()
        let key = try IdempotencyKey(of: request, body: bytes)
        let copyID = UUID().uuidString.lowercased()
        let answer = try await creation.create(tenantID: caller.tenantID, key: key) { _ in copyID } insert: { connection in
            guard let fields = try AutomationStore.fields(of: id, tenantID: caller.tenantID, on: connection) else {
                throw APIError.notFound("automation")
            }
            guard try ChatbotStore.exists(chatbotID, tenantID: caller.tenantID, on: connection) else {
                throw APIError(.notFound, "not_found", "no such chatbot", field: "/chatbot_id")
            }
            try Self.answered {
                try AutomationStore.create(
                    id: copyID, tenantID: caller.tenantID, chatbotID: chatbotID, fields: fields, action: "copy", keyID: caller.keyID,
                    on: connection)
            }
            return []
        }
        return try await created(answer, tenantID: caller.tenantID)
    }

    /// 201 with automation `id`: the one just created, or (a retry with the same
    /// `Idempotency-Key`) the one the first request created, as it is now.
    private func created(_ id: String, tenantID: String) async throws -> Response {
        let automation = try await pool.asTenant(tenantID, logger: logger) { connection in
            try AutomationStore.find(id: id, tenantID: tenantID, on: connection)
        }
        guard let automation else { throw APIError.notFound("automation") }
        return APIResponse.json(automation, status: .created)
    }

    private func body(of request: Request) async throws -> ([UInt8], JSONValue) {
        try request.requireJSON()
        let bytes = try await request.body(upTo: bodyLimit)
        let json = try JSONBody.parse(bytes)
        try JSONBody.requireStorable(json, field: "body")
        return (bytes, json)
    }

    /// 400 `invalid_automation` at `/workflow_id` unless the tenant can run the workflow.
    private static func requireWorkflow(_ id: String, tenantID: String, on connection: isolated PostgresConnection) throws {
        guard try WorkflowJobs.exists(id, tenantID: tenantID, on: connection) else {
            throw APIError(.badRequest, "invalid_automation", problems: [
                APIError.Problem(field: "/workflow_id", message: "no workflow '\(id)' of yours or built in (PUT /v1/workflows/{id} defines one)"),
            ])
        }
    }

    private static func answered(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch AutomationStore.Refusal.tooMany {
            throw APIError(.conflict, "too_many_automations",
                           "the chatbot already has \(AutomationStore.maxPerChatbot) automations; delete some first", field: "chatbot_id")
        }
    }
}
