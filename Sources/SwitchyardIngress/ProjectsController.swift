// Projects of the development pipeline, as the caller's tenant sees them.

import Hummingbird
import Logging
import SwitchyardPostgres

/// `GET /v1/projects/{id}`: the project with its build events in sequence order.
struct ProjectsController: Sendable {
    let pool: PostgresPool
    let authentication: CallerAuthentication
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("v1/projects/:id") { request, context in
            let caller = try await authentication.caller(of: request)
            let id = try context.parameters.uuid("id", naming: "project")
            let project = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try connection.query("SELECT \(Representation.project) FROM projects p WHERE p.id = $1::uuid AND p.tenant_id = $2::uuid",
                                     [id, caller.tenantID]).first?.decode(String.self, at: 0)
            }
            guard let project else { throw APIError.notFound("project") }
            return IngressServer.json(project)
        }
    }
}
