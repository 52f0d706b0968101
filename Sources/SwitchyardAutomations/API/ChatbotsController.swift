// The chatbot API: create a chatbot, list the caller's, read one.

import Foundation
import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPostgres

/// `POST /v1/chatbots` `{"name"}` (201, `Idempotency-Key` honoured), `GET /v1/chatbots`,
/// `GET /v1/chatbots/{id}`. Another tenant's chatbot is 404.
struct ChatbotsController: RouteController {
    let context: RouteContext

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.post("v1/chatbots") { request, context in try await create(request, from: context.clientAddress) }
        router.get("v1/chatbots") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let parameters = try ListParameters(request)
            let page = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try ListRefusal.answered {
                    try ChatbotStore.list(tenantID: caller.tenantID, limit: parameters.limit, after: parameters.cursor, on: connection)
                }
            }
            return APIResponse.json(page.json("chatbots"))
        }
        router.get("v1/chatbots/:chatbot_id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("chatbot_id", naming: "chatbot")
            let chatbot = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try ChatbotStore.find(id: id, tenantID: caller.tenantID, on: connection)
            }
            guard let chatbot else { throw APIError.notFound("chatbot") }
            return APIResponse.json(chatbot)
        }
    }

    /// Creates a chatbot: 201 with it.
    func create(_ request: Request, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        try request.requireJSON()
        let bytes = try await request.body(upTo: bodyLimit)
        let body = try JSONBody.parse(bytes)
        guard case .object(let members) = body else {
            throw APIError(.badRequest, "invalid_chatbot", "expected an object {\"name\": ...}, got \(body.kindName)")
        }
        if let unknown = members.keys.sorted().first(where: { $0 != "name" }) {
            throw APIError(.badRequest, "invalid_chatbot", "unknown field; a chatbot has only a name", field: JSONPointer.root.appending(unknown).description)
        }
        guard case .string(let name)? = members["name"], (1...200).contains(name.count), !name.contains("\u{0}") else {
            throw APIError(.badRequest, "invalid_chatbot", "expected a name of 1 to 200 characters, got \(members["name"]?.kindName ?? "nothing")",
                           field: "/name")
        }
        let key = try IdempotencyKey(of: request, body: bytes)
        let id = UUID().uuidString.lowercased()
        let answer = try await creation.create(tenantID: caller.tenantID, key: key) { connection in
            try ChatbotStore.creationAnswer(id: id, name: name, on: connection)
        } insert: { connection in
            try ChatbotStore.create(id: id, tenantID: caller.tenantID, name: name, on: connection)
            return []
        }
        return APIResponse.json(answer, status: .created)
    }
}
