// Finding a job, generation, project or execution by id, its history, and a live view over the
// same Server-Sent Events as the API.

import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardAPI
import SwitchyardPostgres

extension Console {
    func object(_ idText: String?, _ session: ConsoleSession) async throws -> Response {
        let kinds = dependencies.subjects.map(\.name).joined(separator: ", ")
        let form: HTML = """
            <form method="get" action="/console/objects" class="filters">
            <label for="object-id">Id of a \(kinds)<input id="object-id" name="id" value="\(idText ?? "")" size="40" required></label>
            <button type="submit">Find</button>
            </form>
            """
        guard let idText else { return ConsolePage.response("Find an object", session: session, body: form) }
        guard let uuid = UUID(uuidString: idText.trimmingCharacters(in: .whitespaces)) else {
            return ConsolePage.response("Find an object", session: session, status: .badRequest, body: """
                \(form)<p class="problem" role="alert">field id: expected an id (a UUID), got '\(String(idText.prefix(80)))'</p>
                """)
        }
        let id = uuid.uuidString.lowercased()
        let subjects = dependencies.subjects
        let found = try await dependencies.pool.withConnection { connection -> (ConsoleObject, [ConsoleHistoryEntry], [[String?]])? in
            guard let object = try ConsoleStore.object(id, among: subjects, on: connection) else { return nil }
            let parts = try object.subject.parts.map { try ConsoleStore.parts($0, of: id, on: connection) } ?? []
            return (object, try ConsoleStore.history(of: id, on: connection), parts)
        }
        guard let (object, history, parts) = found else {
            return ConsolePage.response("Find an object", session: session, status: .notFound, body: """
                \(form)<p class="problem" role="alert">No \(kinds) has the id \(id).</p>
                """)
        }
        let rows = HTML.joined(history.map { entry in
            "<tr><td>\(entry.seq)</td><td>\(entry.event)</td><td>\(entry.at)</td><td>\(entry.data)</td></tr>"
        })
        let finished = object.subject.finalStatuses.contains(object.status)
        let live: HTML = finished
            ? "<p id=\"live-state\" class=\"muted\">Finished: nothing more will change.</p>"
            : """
              <p id="live-state" role="status" data-live-url="/console/live/\(object.subject.route)/\(id)?after=\(history.last?.seq ?? 0)">\
              Live updates need JavaScript; reload to see changes.</p>
              """
        let cancel: HTML = !finished && dependencies.cancellations.contains(where: { $0.route == object.subject.route })
            ? """
              <form method="post" action="/console/objects/cancel">\(session.csrfField)
              <input type="hidden" name="route" value="\(object.subject.route)"><input type="hidden" name="id" value="\(id)">
              <p><button type="submit" class="danger">Cancel \(object.subject.name)</button></p>
              </form>
              """
            : .empty
        return ConsolePage.response("\(object.subject.name.capitalized) \(id)", session: session, body: """
            \(form)
            <dl>
            <dt>Kind</dt><dd>\(object.subject.name)</dd>
            <dt>Tenant</dt><dd>\(object.tenantName) (\(object.tenantID))</dd>
            <dt>Status</dt><dd id="object-status">\(object.status)</dd>
            </dl>
            \(live)
            \(cancel)
            <h2>History</h2>
            <div class="scroll"><table>
            <thead><tr><th scope="col">#</th><th scope="col">Event</th><th scope="col">At</th><th scope="col">Data</th></tr></thead>
            <tbody id="history-rows">\(rows)</tbody></table></div>
            \(partsTable(object.subject, id: id, parts))
            <h2>Row</h2>
            <pre>\(object.row)</pre>
            """)
    }

    private func partsTable(_ subject: LiveSubject, id: String, _ rows: [[String?]]) -> HTML {
        guard let parts = subject.parts else { return .empty }
        guard !rows.isEmpty else { return "<h2>\(parts.title)</h2><p>None yet.</p>" }
        // With pictures, a part's picture is found by its `order` column (a slide's number).
        let pictured = dependencies.partImages.contains { $0.route == subject.route }
        let indexColumn = pictured ? parts.columns.firstIndex(of: parts.order) : nil
        let head = HTML.joined(parts.columns.map { column in
            let words = column.replacing("_", with: " ")
            return "<th scope=\"col\">\(words.prefix(1).uppercased() + words.dropFirst())</th>"
        } + (indexColumn == nil ? [] : ["<th scope=\"col\">Picture</th>"]))
        let body = HTML.joined(rows.map { row in
            let picture: HTML = indexColumn.flatMap { row[$0] }.map { index in
                """
                <td><a href="/console/parts/\(subject.route)/\(id)/\(index)"><img src="/console/parts/\(subject.route)/\(id)/\(index)" \
                alt="\(parts.title) \(index)" width="96" height="96" loading="lazy"></a></td>
                """
            } ?? (indexColumn == nil ? .empty : "<td>-</td>")
            return "<tr>\(row.map { HTML("<td>\($0)</td>") })\(picture)</tr>"
        })
        return """
            <h2>\(parts.title)</h2>
            <div class="scroll"><table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>
            """
    }

    /// GET /console/live/{route}/{id}?after=N: the object's Server-Sent Events for the signed-in
    /// operator, whatever its tenant; the stream ends when the session does.
    func live(route: String, id: String, after: String?, _ session: ConsoleSession) async throws -> Response {
        guard let subject = dependencies.subjects.first(where: { $0.route == route }), let uuid = UUID(uuidString: id) else {
            return ConsolePage.problem(.notFound, "Live updates", "No such object.", session: session)
        }
        guard let after = after.map({ Int($0) }) ?? 0, after >= 0 else {
            return ConsolePage.problem(.badRequest, "Live updates", "field after: expected a non-negative number", session: session)
        }
        let id = uuid.uuidString.lowercased()
        let found = try await dependencies.pool.withConnection { connection in try ConsoleStore.object(id, among: [subject], on: connection) }
        guard let object = found else { return ConsolePage.problem(.notFound, "Live updates", "No such object.", session: session) }
        let pool = dependencies.pool
        let secret = session.secret
        return LiveUpdatesController.stream(
            subject, id: id, tenantID: object.tenantID, after: after, hub: dependencies.liveUpdates, pool: pool, logger: logger,
            stillAllowed: {
                do {
                    return try await pool.withConnection { try Operators.session(secret, on: $0) } != nil
                } catch {
                    // A database outage doesn't end the view; the next check decides.
                    return true
                }
            },
            endedBecause: "the console session ended", announcesEnd: true)
    }

    /// GET /console/parts/{route}/{id}/{index}: a part's picture (a slide), whatever its tenant;
    /// only images are served.
    func partImage(route: String, id: String, index: String?, _ session: ConsoleSession) async throws -> Response {
        guard let images = dependencies.partImages.first(where: { $0.route == route }),
              let subject = dependencies.subjects.first(where: { $0.route == route }), let uuid = UUID(uuidString: id),
              let index = index.flatMap({ Int($0) }), index >= 0
        else { return ConsolePage.problem(.notFound, "Picture", "No such picture.", session: session) }
        let id = uuid.uuidString.lowercased()
        let found = try await dependencies.pool.withConnection { connection in try ConsoleStore.object(id, among: [subject], on: connection) }
        guard let object = found, let image = try await images.image(id, index, object.tenantID, dependencies.pool),
              image.contentType.hasPrefix("image/")
        else { return ConsolePage.problem(.notFound, "Picture", "No such picture (yet).", session: session) }
        return Response(
            status: .ok,
            headers: [
                .contentType: image.contentType, .cacheControl: "private, max-age=3600",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: image.bytes)))
    }
}
