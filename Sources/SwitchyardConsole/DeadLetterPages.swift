// The dead-letter ledger in the browser: groups, a filtered list paged by keyset, a letter's
// detail, and replay / purge of a selection after a preview and a confirmation.

import Foundation
import Hummingbird
import Switchyard
import SwitchyardCore
import SwitchyardPostgres
import SwitchyardRuntime

/// What an operator does to selected dead letters.
enum DeadLetterAction: String, Sendable {
    case replay, purge
}

/// A field of a form or query that isn't what it must be.
struct ConsoleInputProblem: Error {
    var message: String
}

extension Console {
    /// The selection a form or query names: ids (`id`, repeated), or `queue` narrowed by
    /// `error_class` and `since`.
    func selection(from fields: FormFields) throws(ConsoleInputProblem) -> DeadLetterSelection {
        var ids: [Int64] = []
        for text in fields.all("id") {
            guard let id = Int64(text), id > 0 else {
                throw ConsoleInputProblem(message: "field id: expected a dead letter's number, got '\(text.prefix(40))'")
            }
            ids.append(id)
        }
        guard ids.count <= Self.actionLimit else {
            throw ConsoleInputProblem(message: "field id: expected at most \(Self.actionLimit) dead letters, got \(ids.count)")
        }
        let queue = fields["queue"]
        if let queue {
            let known = dependencies.topology.roles.values.flatMap(\.workQueues).sorted()
            guard known.contains(queue) else {
                throw ConsoleInputProblem(
                    message: "field queue: expected a work queue of the topology (\(known.joined(separator: ", "))), got '\(queue.prefix(100))'")
            }
        }
        var since: Date?
        if let text = fields["since"] {
            guard let date = DeadLetterSelection.time(from: text) else {
                throw ConsoleInputProblem(message: "field since: expected RFC 3339 (2026-11-30T05:00:00Z) or an age like 30m, 2h, 1d, got '\(text.prefix(40))'")
            }
            since = date
        }
        let errorClass = fields["error_class"]
        if let errorClass, errorClass.count > 100 || errorClass.hasControlCharacters {
            throw ConsoleInputProblem(
                message: "field error_class: expected at most 100 characters without control characters, got \(errorClass.count) characters")
        }
        return DeadLetterSelection(ids: ids, queue: queue, errorClass: errorClass, since: since)
    }

    /// Hidden fields that carry `fields`' selection into the next form.
    static func selectionFields(_ fields: FormFields) -> HTML {
        let ids = fields.all("id").map { HTML("<input type=\"hidden\" name=\"id\" value=\"\($0)\">") }
        let filters = ["queue", "error_class", "since"].compactMap { name in
            fields[name].map { HTML("<input type=\"hidden\" name=\"\(name)\" value=\"\($0)\">") }
        }
        return HTML.joined(ids + filters)
    }

    // MARK: List

    func deadLetters(_ session: ConsoleSession, query: FormFields) async throws -> Response {
        let selection: DeadLetterSelection
        do {
            selection = try self.selection(from: query)
        } catch {
            return ConsolePage.problem(.badRequest, "Dead letters", error.message, session: session, back: "/console/dead-letters")
        }
        var after: Int64?
        if let text = query["after"] {
            guard let value = Int64(text), value >= 0 else {
                return ConsolePage.problem(
                    .badRequest, "Dead letters", "field after: expected a dead letter's number, got '\(text.prefix(40))'", session: session,
                    back: "/console/dead-letters")
            }
            after = value
        }
        let pageSize = Self.pageSize
        let (groups, letters) = try await dependencies.pool.withConnection { connection in
            (try DeadLetterLedger.groups(on: connection), try DeadLetterLedger.select(selection, after: after, limit: pageSize, on: connection))
        }
        return ConsolePage.response("Dead letters", session: session, body: """
            \(groupsTable(groups))
            \(filterForm(query))
            \(lettersForm(letters, session: session, query: query, after: after))
            \(matchingForm(query, session: session))
            """)
    }

    private func groupsTable(_ groups: [DeadLetterGroup]) -> HTML {
        guard !groups.isEmpty else { return "<h2>By origin queue and error class</h2><p>The archive holds no dead letters.</p>" }
        let rows = HTML.joined(groups.map { group in
            """
            <tr><td><a href="/console/dead-letters?queue=\(group.originQueue)&amp;error_class=\(group.errorClass)">\(group.originQueue)</a></td>
            <td>\(group.errorClass)</td><td class="n">\(group.archived)</td><td class="n">\(group.replayed)</td><td class="n">\(group.discarded)</td>
            <td>\(group.oldest)</td><td>\(group.newest)</td></tr>
            """
        })
        return """
            <h2>By origin queue and error class</h2>
            <div class="scroll"><table>
            <thead><tr><th scope="col">Origin queue</th><th scope="col">Error class</th><th scope="col" class="n">Archived</th>
            <th scope="col" class="n">Replayed</th><th scope="col" class="n">Discarded</th><th scope="col">Oldest</th><th scope="col">Newest</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    private func filterForm(_ query: FormFields) -> HTML {
        let queues = dependencies.topology.roles.values.flatMap(\.workQueues).sorted()
        let options = HTML.joined(queues.map { queue in
            "<option value=\"\(queue)\"\(HTML(trusted: query["queue"] == queue ? " selected" : ""))>\(queue)</option>"
        })
        return """
            <h2>Letters</h2>
            <form method="get" action="/console/dead-letters" class="filters">
            <label for="filter-queue">Origin queue<select id="filter-queue" name="queue"><option value="">any</option>\(options)</select></label>
            <label for="filter-class">Error class<input id="filter-class" name="error_class" value="\(query["error_class"] ?? "")" size="16"></label>
            <label for="filter-since">Archived since<input id="filter-since" name="since" value="\(query["since"] ?? "")" placeholder="2h or 2026-11-30T05:00:00Z" size="24"></label>
            <button type="submit">Filter</button>
            </form>
            """
    }

    private func lettersForm(_ letters: [ArchivedDeadLetter], session: ConsoleSession, query: FormFields, after: Int64?) -> HTML {
        guard !letters.isEmpty else {
            return after == nil ? "<p>No dead letters match.</p>" : "<p>No more dead letters match. <a href=\"\(pageLink(query, after: nil))\">First page</a></p>"
        }
        let rows = HTML.joined(letters.map { letter in
            let state: String = letter.discardedAt.map { "discarded \($0)" } ?? letter.replayedAt.map { "replayed \($0)" } ?? "waiting"
            let error = letter.error.map { $0.count > 120 ? String($0.prefix(120)) + "…" : $0 }
            return """
                <tr><td><input type="checkbox" name="id" value="\(letter.id)" id="select-\(letter.id)" aria-label="Select dead letter \(letter.id)"></td>
                <td><a href="/console/dead-letters/\(letter.id)">\(letter.id)</a></td><td>\(letter.archivedAt)</td><td>\(letter.originQueue)</td>
                <td>\(letter.originRoutingKey)</td><td>\(letter.errorClass)</td><td class="n">\(letter.attempts.map(String.init))</td>
                <td>\(error)</td><td>\(state)</td></tr>
                """
        })
        var paging: [HTML] = []
        if after != nil { paging.append("<a href=\"\(pageLink(query, after: nil))\">First page</a>") }
        if letters.count == Self.pageSize, let last = letters.last {
            paging.append("<a href=\"\(pageLink(query, after: last.id))\" rel=\"next\">Next page</a>")
        }
        return """
            <form method="post" action="/console/dead-letters/preview">
            \(session.csrfField)
            <div class="scroll"><table>
            <thead><tr><th scope="col"><span class="muted">Select</span></th><th scope="col">ID</th><th scope="col">Archived</th><th scope="col">Origin queue</th>
            <th scope="col">Routing key</th><th scope="col">Error class</th><th scope="col" class="n">Attempts</th><th scope="col">Error</th><th scope="col">State</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <p>Selected letters: <button type="submit" name="action" value="replay">Replay</button>
            <button type="submit" name="action" value="purge" class="danger">Purge</button></p>
            </form>
            <nav aria-label="Pages"><p>\(HTML.joined(paging, separator: " · "))</p></nav>
            """
    }

    /// Replay or purge everything the filter matches (a queue must be chosen, as in `dlq replay`).
    private func matchingForm(_ query: FormFields, session: ConsoleSession) -> HTML {
        guard query["queue"] != nil else {
            return "<p class=\"muted\">Choose an origin queue in the filter to replay or purge every letter it matches.</p>"
        }
        return """
            <form method="post" action="/console/dead-letters/preview">
            \(session.csrfField)\(Self.selectionFields(FormFields(encoded: "").with(query, only: ["queue", "error_class", "since"])))
            <p>Every letter this filter matches: <button type="submit" name="action" value="replay">Replay all matching</button>
            <button type="submit" name="action" value="purge" class="danger">Purge all matching</button></p>
            </form>
            """
    }

    private func pageLink(_ query: FormFields, after: Int64?) -> String {
        var parts = ["queue", "error_class", "since"].compactMap { name in
            query[name].map { "\(name)=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        }
        if let after { parts.append("after=\(after)") }
        return "/console/dead-letters" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }

    // MARK: Detail

    func deadLetter(_ id: Int64?, _ session: ConsoleSession) async throws -> Response {
        guard let id else {
            return ConsolePage.problem(.notFound, "Dead letter", "No dead letter has this number.", session: session, back: "/console/dead-letters")
        }
        let found = try await dependencies.pool.withConnection { connection in
            try DeadLetterLedger.select(DeadLetterSelection(ids: [id]), limit: 1, on: connection).first
        }
        guard let letter = found else {
            return ConsolePage.problem(.notFound, "Dead letter", "No dead letter \(id).", session: session, back: "/console/dead-letters")
        }
        let state: String = letter.discardedAt.map { "discarded at \($0)" }
            ?? letter.replayedAt.map { "replayed \(letter.replayCount) time(s), last at \($0)" } ?? "waiting to be replayed or purged"
        return ConsolePage.response("Dead letter \(letter.id)", session: session, body: """
            <dl>
            <dt>Origin queue</dt><dd>\(letter.originQueue)</dd>
            <dt>Exchange</dt><dd>\(letter.originExchange)</dd>
            <dt>Routing key</dt><dd>\(letter.originRoutingKey)</dd>
            <dt>Message id</dt><dd>\(letter.messageID)</dd>
            <dt>Reason</dt><dd>\(letter.reason)</dd>
            <dt>Error class</dt><dd>\(letter.errorClass)</dd>
            <dt>Attempts</dt><dd>\(letter.attempts.map(String.init))</dd>
            <dt>Archived</dt><dd>\(letter.archivedAt)</dd>
            <dt>State</dt><dd id="letter-state">\(state)</dd>
            </dl>
            <h2>Error</h2><pre>\(letter.error ?? "-")</pre>
            <h2>Body</h2><pre id="letter-body">\(DeadLetterLedger.pretty(letter.body))</pre>
            <h2>Headers</h2><pre>\(DeadLetterLedger.pretty(Array(letter.headers.utf8)))</pre>
            <h2>Properties</h2><pre>\(DeadLetterLedger.pretty(Array(letter.properties.utf8)))</pre>
            <form method="post" action="/console/dead-letters/preview">
            \(session.csrfField)<input type="hidden" name="id" value="\(letter.id)">
            <p><button type="submit" name="action" value="replay">Replay</button>
            <button type="submit" name="action" value="purge" class="danger">Purge</button></p>
            </form>
            """)
    }
}

extension FormFields {
    /// These fields and `other`'s fields named in `names`.
    func with(_ other: FormFields, only names: Set<String>) -> FormFields {
        var copy = self
        copy.append(other.pairs.filter { names.contains($0.name) })
        return copy
    }
}
