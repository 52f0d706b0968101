// The project a stage's message names, read before the stage does its work.

import Foundation
import SwitchyardCore
import SwitchyardPostgres
import SwitchyardRuntime

/// The project of a `plan.requested` or `build.requested` message, in the status the stage
/// works on, with the document it works from (`analysis` or `plan`).
struct ProjectStage: Sendable {
    var projectID: String
    var tenantID: String
    /// The stored document, as JSON text.
    var document: String

    /// Where a stage starts, or what to answer instead.
    enum Lookup {
        case ready(ProjectStage)
        /// Not ready: a bad message or project (permanent), the database (transient), or a
        /// project already past this stage (done: nothing to do).
        case finished(HandlerOutcome)
    }

    /// Reads the project named by the message's `project_id`, which must belong to the
    /// message's tenant (else a permanent `forbidden` failure).
    /// - Parameters:
    ///   - message: The stage's message.
    ///   - status: The status in which the stage has work to do.
    ///   - document: The column the stage works from.
    ///   - pool: The database.
    static func load(_ message: WorkMessage, status: String, document: String, pool: PostgresPool) async -> Lookup {
        guard let event = try? JSONValue(parsing: message.body),
              let projectID = event["project_id"]?.string, UUID(uuidString: projectID) != nil
        else {
            return .finished(.permanentFailure(HandlerFailure("validation", "\(message.type) needs a project_id (UUID)")))
        }
        let found: (status: String, tenantID: String, document: String?)?
        do {
            found = try await pool.withConnection { connection in
                try connection.query("SELECT status, tenant_id::text, \(document)::text FROM projects WHERE id = $1::uuid", [projectID])
                    .first.map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1), try $0.decode(String?.self, at: 2)) }
            }
        } catch {
            return .finished(.databaseFailure("reading project \(projectID)", error))
        }
        guard let found else { return .finished(.permanentFailure(HandlerFailure("project_not_found", "no project \(projectID)"))) }
        // A message acts only on its own tenant's projects: nothing is written and no external
        // call is made for another tenant's.
        let messageTenant = message.tenantID ?? AnalysisRole.defaultTenant
        guard found.tenantID == messageTenant else {
            return .finished(.permanentFailure(HandlerFailure(
                "forbidden", "project \(projectID) belongs to another tenant than the message's (\(messageTenant))")))
        }
        guard found.status == status else { return .finished(.success(HandlerEffects())) }
        guard let text = found.document else {
            return .finished(.permanentFailure(HandlerFailure("validation", "project \(projectID) has no \(document)")))
        }
        return .ready(ProjectStage(projectID: projectID, tenantID: found.tenantID, document: text))
    }
}
