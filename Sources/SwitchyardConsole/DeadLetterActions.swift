// Replay and purge from the console: a preview of what would happen, then, confirmed, the
// action itself, with the CLI's guarantees, recorded in operator_actions.

import Foundation
import Hummingbird
import Logging
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardPostgres
import SwitchyardRuntime

extension Console {
    /// POST /console/dead-letters/preview: what `action` would do to the selection, with a
    /// Confirm button that repeats the selection.
    func preview(_ fields: FormFields, _ session: ConsoleSession) async throws -> Response {
        guard let action = fields["action"].flatMap(DeadLetterAction.init(rawValue:)) else {
            return ConsolePage.problem(
                .badRequest, "Dead letters", "field action: expected replay or purge, got '\(fields["action"]?.prefix(40) ?? "nothing")'",
                session: session, back: "/console/dead-letters")
        }
        let selection: DeadLetterSelection
        do {
            selection = try requiredSelection(fields)
        } catch {
            return ConsolePage.problem(.badRequest, "Dead letters", error.message, session: session, back: "/console/dead-letters")
        }
        let summary = try await dependencies.pool.withConnection { connection in try DeadLetterLedger.summary(selection, on: connection) }
        let replay = DeadLetterReplay(topology: dependencies.topology, operatorName: session.operator.name)
        var lines: [HTML] = []
        var affected = 0
        for group in summary where group.waiting > 0 {
            switch action {
            case .replay:
                if let destination = replay.destination(originQueue: group.originQueue, routingKey: group.originRoutingKey) {
                    affected += group.waiting
                    lines.append("<li>\(Self.letters(group.waiting)) will be replayed to \(destination.exchange) \(destination.routingKey)</li>")
                } else {
                    lines.append("<li>\(Self.letters(group.waiting)) of \(group.originQueue) cannot be replayed: routing key \(group.originRoutingKey) is not bound to it in the topology</li>")
                }
            case .purge:
                affected += group.waiting
                lines.append("<li>\(Self.letters(group.waiting)) of \(group.originQueue) will be discarded</li>")
            }
        }
        let replayed = summary.reduce(0) { $0 + $1.replayed }
        let discarded = summary.reduce(0) { $0 + $1.discarded }
        if action == .replay && replayed > 0 { lines.append("<li>\(Self.letters(replayed)) were replayed before and will be skipped</li>") }
        if discarded > 0 { lines.append("<li>\(Self.letters(discarded)) are discarded and will be skipped</li>") }
        if action == .replay && affected > Self.actionLimit {
            lines.append("<li>This replays the first \(Self.actionLimit); confirm again for the rest.</li>")
        }
        if action == .purge, let queue = selection.queue, let role = dependencies.topology.role(consuming: queue)?.role {
            lines.append("<li>Dead letters still waiting in \(role.deadLetterQueue) are archived first, and discarded if they match.</li>")
        }
        let title = action == .replay ? "Confirm replay" : "Confirm purge"
        guard affected > 0 else {
            return ConsolePage.response(title, session: session, body: """
                <p class="notice" role="status">Nothing to \(action.rawValue): no selected dead letter is waiting.</p>
                <ul>\(lines)</ul>
                <p><a href="/console/dead-letters">Back to dead letters</a></p>
                """)
        }
        let consequence: HTML = action == .replay
            ? "Each letter is published once, with a publisher confirm, and marked replayed by you."
            : "Discarded letters stay in the archive for audit and are never replayed."
        return ConsolePage.response(title, session: session, body: """
            <p class="notice" role="status" id="preview-summary">\(Self.letters(affected)) will be \(action == .replay ? "replayed" : "discarded").</p>
            <ul>\(lines)</ul>
            <p>\(consequence)</p>
            <form method="post" action="/console/dead-letters/\(action.rawValue)">
            \(session.csrfField)\(Self.selectionFields(fields))<input type="hidden" name="confirm" value="yes">
            <p><button type="submit"\(HTML(trusted: action == .purge ? " class=\"danger\"" : ""))>Confirm</button>
            <a href="/console/dead-letters">Cancel</a></p>
            </form>
            """)
    }

    /// POST /console/dead-letters/replay or /purge with `confirm=yes`: does it and shows what
    /// happened. Without the confirmation nothing changes and the preview is shown instead.
    func act(_ action: DeadLetterAction, _ fields: FormFields, _ session: ConsoleSession) async throws -> Response {
        guard fields["confirm"] == "yes" else {
            var asked = fields
            asked.append([("action", action.rawValue)])
            return try await preview(asked, session)
        }
        let selection: DeadLetterSelection
        do {
            selection = try requiredSelection(fields)
        } catch {
            return ConsolePage.problem(.badRequest, "Dead letters", error.message, session: session, back: "/console/dead-letters")
        }
        switch action {
        case .replay: return try await replay(selection, session)
        case .purge: return try await purge(selection, session)
        }
    }

    private func requiredSelection(_ fields: FormFields) throws(ConsoleInputProblem) -> DeadLetterSelection {
        let selection = try selection(from: fields)
        guard !selection.ids.isEmpty || selection.queue != nil else {
            throw ConsoleInputProblem(message: "field id: expected selected dead letters (or a queue filter), got none")
        }
        return selection
    }

    private func replay(_ selection: DeadLetterSelection, _ session: ConsoleSession) async throws -> Response {
        let pool = dependencies.pool
        let letters = try await pool.withConnection { connection in
            try DeadLetterLedger.select(selection, limit: Self.actionLimit, on: connection).filter { $0.replayedAt == nil && $0.discardedAt == nil }
        }
        let replay = DeadLetterReplay(topology: dependencies.topology, operatorName: "\(session.operator.name)@console")
        var outcomes: [(Int64, DeadLetterReplay.Outcome)] = []
        if !letters.isEmpty {
            let connection: AMQPConnection
            do {
                connection = try await AMQPConnection.connect(dependencies.amqp)
            } catch {
                return ConsolePage.problem(.serviceUnavailable, "Replay", "The broker does not answer (\(error)); nothing was replayed.", session: session)
            }
            do {
                let channel = try await connection.openChannel(confirms: true)
                for letter in letters {
                    outcomes.append((letter.id, try await replay.replay(letter.id, pool: pool, channel: channel)))
                }
            } catch {
                logger.warning("console replay stopped", metadata: ["error": "\(error)", "operator": "\(session.operator.name)"])
            }
            await connection.close()
        }
        let replayedIDs = outcomes.compactMap { if case .replayed = $0.1 { $0.0 } else { nil } }
        let failed = outcomes.compactMap { if case .failed(let why) = $0.1 { (id: $0.0, why: why) } else { nil } }
        let detail: JSONValue = [
            "selection": Self.describe(selection), "replayed": .array(replayedIDs.map { .int($0) }),
            "skipped": .int(Int64(outcomes.count - replayedIDs.count - failed.count)),
            "failed": .array(failed.map { ["id": .int($0.id), "why": .string($0.why)] }),
            "not_attempted": .int(Int64(letters.count - outcomes.count)),
        ]
        try await pool.withConnection { connection in
            try OperatorActionLog.record("replay", by: session.operator, affected: replayedIDs.count, detail: detail, on: connection)
        }
        let rows = HTML.joined(outcomes.map { id, outcome in
            let (word, text): (String, String) = switch outcome {
            case .replayed(let exchange, let routingKey): ("replayed", "to \(exchange) \(routingKey)")
            case .skipped(let why): ("skipped", why)
            case .failed(let why): ("failed", why)
            }
            return "<tr><td><a href=\"/console/dead-letters/\(id)\">\(id)</a></td><td>\(word)</td><td>\(text)</td></tr>"
        })
        let unattempted = letters.count - outcomes.count
        let stopped: HTML = unattempted > 0
            ? "<p class=\"problem\" role=\"alert\">The broker connection failed; \(Self.letters(unattempted)) were not attempted.</p>" : .empty
        return ConsolePage.response("Replay done", session: session, body: """
            <p class="notice" role="status" id="action-summary">Replayed \(replayedIDs.count), skipped \(outcomes.count - replayedIDs.count - failed.count), failed \(failed.count).</p>
            \(stopped)
            <table><thead><tr><th scope="col">ID</th><th scope="col">Outcome</th><th scope="col">Detail</th></tr></thead><tbody>\(rows)</tbody></table>
            <p><a href="/console/dead-letters">Back to dead letters</a></p>
            """)
    }

    private func purge(_ selection: DeadLetterSelection, _ session: ConsoleSession) async throws -> Response {
        let pool = dependencies.pool
        var drained: (queue: String, count: Int)?
        if selection.ids.isEmpty, let queue = selection.queue, let role = dependencies.topology.role(consuming: queue)?.role {
            var connection: AMQPConnection?
            do {
                connection = try await AMQPConnection.connect(dependencies.amqp)
                let channel = try await connection!.openChannel()
                let archiver = DeadLetterArchiver(topology: dependencies.topology, pool: pool, amqp: dependencies.amqp, logger: logger)
                drained = (role.deadLetterQueue, try await archiver.drain(role.deadLetterQueue, on: channel))
                await connection?.close()
            } catch {
                await connection?.close()
                return ConsolePage.problem(
                    .serviceUnavailable, "Purge", "Could not archive what waits in \(role.deadLetterQueue) first (\(error)); nothing was discarded.",
                    session: session)
            }
        }
        let detail: JSONValue = [
            "selection": Self.describe(selection),
            "archived_from_broker": drained.map { ["queue": .string($0.queue), "count": .int(Int64($0.count))] } ?? .null,
        ]
        let discarded = try await pool.withTransaction { connection in
            let ids = try DeadLetterLedger.discard(selection, on: connection)
            var recorded = detail
            if case .object(var object) = recorded {
                object["discarded"] = .array(ids.map { .int($0) })
                recorded = .object(object)
            }
            try OperatorActionLog.record("purge", by: session.operator, affected: ids.count, detail: recorded, on: connection)
            return ids
        }
        let archivedFirst: HTML = drained.map { "<p>Archived \(Self.letters($0.count)) waiting in \($0.queue) first.</p>" } ?? .empty
        return ConsolePage.response("Purge done", session: session, body: """
            <p class="notice" role="status" id="action-summary">Discarded \(Self.letters(discarded.count)). They stay in the archive for audit; replay skips them.</p>
            \(archivedFirst)
            <p><a href="/console/dead-letters">Back to dead letters</a></p>
            """)
    }

    /// "1 letter", "12 letters".
    static func letters(_ count: Int) -> String {
        count == 1 ? "1 letter" : "\(count) letters"
    }

    /// The selection as JSON, for the audit log.
    static func describe(_ selection: DeadLetterSelection) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if !selection.ids.isEmpty { object["ids"] = .array(selection.ids.map { .int($0) }) }
        if let queue = selection.queue { object["queue"] = .string(queue) }
        if let errorClass = selection.errorClass { object["error_class"] = .string(errorClass) }
        if let since = selection.since { object["since"] = .string(since.formatted(.iso8601)) }
        return .object(object)
    }
}
