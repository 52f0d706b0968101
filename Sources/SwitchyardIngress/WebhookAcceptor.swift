// Accepting verified webhooks in groups: one transaction and one pipelined publish for many.

import Foundation
import Logging
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
/// ``PostgresPool/accept(_:logger:_:)``). The answers don't wait for that `COMMIT`'s round
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

        fileprivate var key: Key { Key(source: source, webhook_id: webhookID) }
    }

    private let groups: RequestGroups<Webhook, String>

    init(pool: PostgresPool, publisher: BrokerPublisher, logger: Logger) {
        groups = RequestGroups { group, answers in
            await Self.run(group, answers: answers, pool: pool, publisher: publisher, logger: logger)
        }
    }

    /// Accepts `webhook`, or returns the answer given to its first delivery.
    /// - Throws: ``APIError`` 503 when the broker or the database failed; nothing is recorded.
    func accept(_ webhook: Webhook) async throws(APIError) -> String {
        try await groups.answer(webhook).get()
    }

    /// The key of a receipt.
    fileprivate struct Key: Hashable, Codable, Comparable {
        var source: String
        var webhook_id: String

        static func < (left: Key, right: Key) -> Bool {
            (left.source, left.webhook_id) < (right.source, right.webhook_id)
        }
    }

    /// Accepts a group and answers each of its webhooks once.
    private static func run(
        _ webhooks: [Webhook], answers: GroupAnswers<Webhook, String>, pool: PostgresPool, publisher: BrokerPublisher, logger: Logger
    ) async {
        // Two deliveries of one webhook in the same group: the first decides for both. The
        // receipts go in in key order, so two groups never wait for each other's in opposite orders.
        var first: [Key: Webhook] = [:]
        for webhook in webhooks where first[webhook.key] == nil {
            first[webhook.key] = webhook
        }
        let owners = first.sorted { $0.key < $1.key }.map(\.value)
        do {
            // The receipts go with the transaction's BEGIN: one round trip.
            let insert = Self.receiptInsert(owners)
            try await pool.accept("\(owners.count) webhook(s)", logger: logger, startingWith: [insert]) { connection, rows in
                let results = try await Self.record(owners, inserted: rows[0], publisher: publisher, on: connection)
                answers.give { results[$0.key] ?? .failure(APIError.unavailable("the database")) }
            }
        } catch {
            if !answers.give({ _ in .failure(error) }) {
                logger.warning("answered webhooks' receipts not committed: a redelivery publishes their events again",
                               metadata: ["webhooks": "\(owners.count)"])
            }
        }
    }

    /// The statement that inserts the receipts and returns the keys of those that are new.
    private static func receiptInsert(_ webhooks: [Webhook]) -> PostgresStatement {
        var rows: [UInt8] = [UInt8(ascii: "[")]
        for (index, webhook) in webhooks.enumerated() {
            if index > 0 { rows.append(UInt8(ascii: ",")) }
            JSONValue.writeObject(
                [
                    "source": .string(webhook.source), "webhook_id": .string(webhook.webhookID), "tenant_id": .string(webhook.tenantID),
                    "event_type": webhook.eventType.map(JSONValue.string), "response": .string(webhook.answer),
                ], into: &rows)
        }
        rows.append(UInt8(ascii: "]"))
        return PostgresStatement(
            """
            INSERT INTO webhook_receipts (source, webhook_id, tenant_id, event_type, response)
            SELECT r.source, r.webhook_id, r.tenant_id, r.event_type, r.response
            FROM jsonb_to_recordset($1::jsonb) AS r(source text, webhook_id text, tenant_id uuid, event_type text, response text)
            ON CONFLICT DO NOTHING RETURNING source, webhook_id
            """, [String(decoding: rows, as: UTF8.self)])
    }

    /// Inside the transaction, the receipts inserted: answer the known ones from their rows,
    /// publish the fresh events, delete the receipts of the events the broker refused.
    private static func record(
        _ webhooks: [Webhook], inserted: PostgresRows, publisher: BrokerPublisher, on connection: isolated PostgresConnection
    ) async throws -> [Key: Result<String, APIError>] {
        let fresh = Set(try inserted.map { Key(source: try $0.decode(String.self, at: 0), webhook_id: try $0.decode(String.self, at: 1)) })

        var results: [Key: Result<String, APIError>] = [:]
        let known = webhooks.map(\.key).filter { !fresh.contains($0) }
        if !known.isEmpty {
            for row in try connection.query(
                """
                SELECT w.source, w.webhook_id, w.response FROM webhook_receipts w
                JOIN jsonb_to_recordset($1::jsonb) AS k(source text, webhook_id text) USING (source, webhook_id)
                """, [String(decoding: try JSONEncoder().encode(known), as: UTF8.self)]) {
                results[Key(source: try row.decode(String.self, at: 0), webhook_id: try row.decode(String.self, at: 1))] =
                    .success(try row.decode(String.self, at: 2))
            }
        }

        let publishing = webhooks.filter { fresh.contains($0.key) }
        var refused: [Key] = []
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
                results[key] = .failure(APIError.refusedPublish(error))
            }
        }
        if !refused.isEmpty {
            try connection.execute(
                """
                DELETE FROM webhook_receipts w USING jsonb_to_recordset($1::jsonb) AS k(source text, webhook_id text)
                WHERE w.source = k.source AND w.webhook_id = k.webhook_id
                """, [String(decoding: try JSONEncoder().encode(refused), as: UTF8.self)])
        }
        return results
    }
}
