// Cancelling a job or a generation from the console: a confirmation first, then the pipeline's
// own cancellation, recorded in operator_actions.

import Foundation
import Hummingbird
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPostgres

extension Console {
    /// POST /console/objects/cancel (`route`, `id`): without `confirm=yes` a page asking to
    /// confirm; with it, the subject is cancelled by its pipeline's rules.
    func cancel(_ fields: FormFields, _ session: ConsoleSession) async throws -> Response {
        guard let cancellation = dependencies.cancellations.first(where: { $0.route == fields["route"] }),
              let subject = dependencies.subjects.first(where: { $0.route == cancellation.route })
        else {
            let known = dependencies.cancellations.map(\.route).joined(separator: ", ")
            return ConsolePage.problem(
                .badRequest, "Cancel", "field route: expected one of \(known), got '\(fields["route"]?.prefix(40) ?? "nothing")'",
                session: session, back: "/console/objects")
        }
        guard let text = fields["id"], let uuid = UUID(uuidString: text) else {
            return ConsolePage.problem(
                .badRequest, "Cancel", "field id: expected an id (a UUID), got '\(fields["id"]?.prefix(80) ?? "nothing")'", session: session,
                back: "/console/objects")
        }
        let id = uuid.uuidString.lowercased()
        let back = "/console/objects?id=\(id)"
        guard fields["confirm"] == "yes" else {
            let found = try await dependencies.pool.withConnection { connection in try ConsoleStore.object(id, among: [subject], on: connection) }
            guard let object = found else {
                return ConsolePage.problem(.notFound, "Cancel", "No \(subject.name) has the id \(id).", session: session, back: "/console/objects")
            }
            return ConsolePage.response("Confirm cancel", session: session, body: """
                <p class="notice" role="status" id="preview-summary">\(subject.name.capitalized) \(id) of tenant \(object.tenantName) (now \(object.status)) will be cancelled.</p>
                <form method="post" action="/console/objects/cancel">\(session.csrfField)
                <input type="hidden" name="route" value="\(subject.route)"><input type="hidden" name="id" value="\(id)">
                <input type="hidden" name="confirm" value="yes">
                <p><button type="submit" class="danger">Confirm</button> <a href="\(back)">Back</a></p>
                </form>
                """)
        }
        let outcome = try await dependencies.pool.withTransaction { connection -> SubjectCancellation.Outcome in
            guard let object = try ConsoleStore.object(id, among: [subject], on: connection) else { return .notFound }
            let outcome = try cancellation.cancel(id, object.tenantID, connection)
            let result: JSONValue = switch outcome {
            case .cancelled: "cancelled"
            case .finished(let status): .string("already \(status)")
            case .notFound: "not found"
            }
            try OperatorActionLog.record(
                "cancel", by: session.operator, affected: outcome == .cancelled ? 1 : 0,
                detail: ["kind": .string(subject.name), "id": .string(id), "tenant_id": .string(object.tenantID), "outcome": result],
                on: connection)
            return outcome
        }
        switch outcome {
        case .cancelled:
            return ConsolePage.redirect(to: back)
        case .finished(let status):
            return ConsolePage.problem(
                .conflict, "Cancel", "The \(subject.name) is already \(status); only one that isn't over can be cancelled.", session: session,
                back: back)
        case .notFound:
            return ConsolePage.problem(.notFound, "Cancel", "No \(subject.name) has the id \(id).", session: session, back: "/console/objects")
        }
    }
}
