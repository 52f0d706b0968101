// The execution API: a chatbot's executions, newest first, and one execution in full.

import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardPipeline
import SwitchyardPostgres

/// `GET /v1/chatbots/{chatbot_id}/executions?status=&limit=&cursor=` and
/// `GET /v1/executions/{id}`; `GET /v1/executions/{id}/events` (the live stream) is served
/// with every pipeline's live subjects. Another tenant's chatbot or execution is 404.
struct ExecutionsController: RouteController {
    let context: RouteContext

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.get("v1/chatbots/:chatbot_id/executions") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let chatbotID = try context.parameters.uuid("chatbot_id", naming: "chatbot")
            let parameters = try ListParameters(request, statuses: ExecutionStore.statuses)
            let page = try await pool.asTenant(caller.tenantID, logger: logger) { connection -> Page? in
                guard try ChatbotStore.exists(chatbotID, tenantID: caller.tenantID, on: connection) else { return nil }
                return try ListRefusal.answered {
                    try ExecutionStore.list(
                        chatbotID: chatbotID, tenantID: caller.tenantID, status: parameters.status, limit: parameters.limit,
                        after: parameters.cursor, on: connection)
                }
            }
            guard let page else { throw APIError.notFound("chatbot") }
            return APIResponse.json(page.json("executions"))
        }
        router.get("v1/executions/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "execution")
            let execution = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try ExecutionStore.find(id: id, tenantID: caller.tenantID, on: connection)
            }
            guard let execution else { throw APIError.notFound("execution") }
            return APIResponse.json(execution)
        }
    }
}
