// Accepting verified webhooks in groups: one transaction and one pipelined publish for many.

import Logging
import Switchyard
import SwitchyardAMQP
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPostgres

/// Records webhook receipts and publishes their events with confirms, grouping the webhooks
/// that arrive together (``RequestGroups``).
///
/// A webhook is answered 200 only when the broker has confirmed its event: the group's
/// receipts are inserted in one statement, the fresh ones' events are published in one
/// hand-over and confirmed, the receipts of events the broker refused are deleted again, the
/// group is answered, and the transaction commits (without waiting for the WAL flush; see
/// ``PostgresPool/accept(_:log:startingWith:_:)``). The answers don't wait for that `COMMIT`'s round
/// trip: the event is already durable in the broker, and a receipt the commit loses (as a
/// database crash could lose it) only lets a redelivery publish the same message id again,
/// which consumers' inboxes absorb. A redelivery that arrives before the commit waits for it
/// on the receipt's key. A webhook whose receipt already exists gets the answer stored with
/// it and publishes nothing.
struct WebhookAcceptor: Sendable {
    /// A verified webhook to accept. A class: a group's lists share each webhook instead of
    /// copying its strings and message.
    final class Webhook: Sendable {
        let source: String
        let webhookID: String
        let tenantID: String
        let eventType: String?
        /// The answer to store and return.
        let answer: String
        /// The event to publish; nil for callbacks that need no action.
        let message: AMQPOutgoingMessage?

        init(source: String, webhookID: String, tenantID: String, eventType: String?, answer: String, message: AMQPOutgoingMessage?) {
            self.source = source
            self.webhookID = webhookID
            self.tenantID = tenantID
            self.eventType = eventType
            self.answer = answer
            self.message = message
        }

        fileprivate var key: Key { Key(source: source, webhookID: webhookID) }
    }

    private let groups: RequestGroups<Webhook, String>

    init(pool: PostgresPool, publisher: BrokerPublisher, logger: Logger) {
        let log = AcceptanceLog("webhooks", logger: logger)
        groups = AcceptanceGroup.groups(of: "webhooks") { group, answers in
            await Self.run(group, answers: answers, pool: pool, publisher: publisher, log: log)
        }
    }

    /// Accepts `webhook`, or returns the answer given to its first delivery.
    /// - Throws: ``APIError`` 503 when the broker or the database failed; nothing is recorded.
    func accept(_ webhook: Webhook) async throws(APIError) -> String {
        try await groups.answer(webhook).get()
    }

    /// The key of a receipt.
    fileprivate struct Key: Hashable, Comparable {
        var source: String
        var webhookID: String

        static func < (left: Key, right: Key) -> Bool {
            (left.source, left.webhookID) < (right.source, right.webhookID)
        }

        /// The keys as a statement's `jsonb_to_recordset` reads them.
        static func recordset(_ keys: [Key]) -> String {
            AcceptanceGroup.recordset(keys) { ["source": .string($0.source), "webhook_id": .string($0.webhookID)] }
        }
    }

    /// Accepts a group and answers each of its webhooks once; two deliveries of one webhook in
    /// the group get the first's answer.
    private static func run(
        _ webhooks: [Webhook], answers: GroupAnswers<Webhook, String>, pool: PostgresPool, publisher: BrokerPublisher, log: AcceptanceLog
    ) async {
        await AcceptanceGroup.accept(
            webhooks, by: \.key, on: pool, answers: answers, log: log, startingWith: receiptInsert,
            record: { owners, inserted, connection in
                try await record(owners, inserted: inserted, publisher: publisher, log: log, on: connection)
            },
            answer: { results, webhook in results[webhook.key] ?? .failure(APIError.unavailable("the database")) })
    }

    /// The statement that inserts the receipts and returns the keys of those that are new.
    private static func receiptInsert(_ webhooks: [Webhook]) -> PostgresStatement {
        let rows = AcceptanceGroup.recordset(webhooks) { webhook in
            [
                "source": .string(webhook.source), "webhook_id": .string(webhook.webhookID), "tenant_id": .string(webhook.tenantID),
                "event_type": webhook.eventType.map(JSONValue.string), "response": .string(webhook.answer),
            ]
        }
        return PostgresStatement(
            """
            INSERT INTO webhook_receipts (source, webhook_id, tenant_id, event_type, response)
            SELECT r.source, r.webhook_id, r.tenant_id, r.event_type, r.response
            FROM jsonb_to_recordset($1::jsonb) AS r(source text, webhook_id text, tenant_id uuid, event_type text, response text)
            ON CONFLICT DO NOTHING RETURNING source, webhook_id
            """, [rows])
    }

    /// Inside the transaction, the receipts inserted: answer the known ones from their rows,
    /// publish the fresh events, delete the receipts of the events the broker refused (logged).
    private static func record(
        _ webhooks: [Webhook], inserted: PostgresRows, publisher: BrokerPublisher, log: AcceptanceLog,
        on connection: isolated PostgresConnection
    ) async throws -> [Key: Result<String, APIError>] {
        let fresh = Set(try inserted.map { Key(source: try $0.decode(String.self, at: 0), webhookID: try $0.decode(String.self, at: 1)) })

        var results: [Key: Result<String, APIError>] = [:]
        let known = webhooks.map(\.key).filter { !fresh.contains($0) }
        if !known.isEmpty {
            for row in try connection.query(
                """
                SELECT w.source, w.webhook_id, w.response FROM webhook_receipts w
                JOIN jsonb_to_recordset($1::jsonb) AS k(source text, webhook_id text) USING (source, webhook_id)
                """, [Key.recordset(known)]) {
                results[Key(source: try row.decode(String.self, at: 0), webhookID: try row.decode(String.self, at: 1))] =
                    .success(try row.decode(String.self, at: 2))
            }
        }

        let publishing = webhooks.filter { fresh.contains($0.key) }
        var refused: [Key] = []
        var firstRefusal: AMQPError?
        let messages = publishing.compactMap(\.message)
        let outcomes = messages.isEmpty ? [] : await publisher.publishEach(messages)
        var outcome = outcomes.makeIterator()
        for webhook in publishing {
            let key = webhook.key
            guard webhook.message != nil else {
                results[key] = .success(webhook.answer)
                continue
            }
            switch outcome.next() ?? .failure(AMQPError(.connectionClosed, "no outcome")) {
            case .success: results[key] = .success(webhook.answer)
            case .failure(let error):
                refused.append(key)
                firstRefusal = firstRefusal ?? error
                results[key] = .failure(APIError.refusedPublish(error))
            }
        }
        if let firstRefusal {
            log.refused.log(to: log.logger, count: refused.count, metadata: ["error": "\(firstRefusal)"])
            try connection.execute(
                """
                DELETE FROM webhook_receipts w USING jsonb_to_recordset($1::jsonb) AS k(source text, webhook_id text)
                WHERE w.source = k.source AND w.webhook_id = k.webhook_id
                """, [Key.recordset(refused)])
        }
        return results
    }
}
