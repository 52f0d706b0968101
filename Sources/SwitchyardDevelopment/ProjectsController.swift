// Projects of the development pipeline, as the caller's tenant sees them.

import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardPipeline
import SwitchyardPostgres

/// `GET /v1/projects/{id}`: the project with its build events in sequence order;
/// `GET /v1/projects?conversation_id=&limit=`: the caller's projects, newest first.
struct ProjectsController: RouteController {
    let context: RouteContext

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.get("v1/projects/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "project")
            let project = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try ProjectStore.find(id: id, tenantID: caller.tenantID, on: connection)
            }
            guard let project else { throw APIError.notFound("project") }
            return APIResponse.json(project)
        }
        router.get("v1/projects") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let query = request.uri.queryParameters
            var limit = 20
            if let text = query["limit"].map(String.init) {
                guard let value = Int(text), (1...100).contains(value) else {
                    throw APIError(.badRequest, "invalid_parameter", "expected an integer 1...100, got '\(text)'", field: "limit")
                }
                limit = value
            }
            let conversationID = query["conversation_id"].map(String.init)
            let projects = try await pool.asTenant(caller.tenantID, logger: logger) { [limit] connection in
                try ProjectStore.list(tenantID: caller.tenantID, conversationID: conversationID, limit: limit, on: connection)
            }
            return APIResponse.json("{\"projects\":[\(projects.joined(separator: ","))]}")
        }
    }
}
