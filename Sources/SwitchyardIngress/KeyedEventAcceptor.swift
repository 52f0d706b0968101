// Accepting producer events that carry an Idempotency-Key in groups: one transaction and one
// pipelined publish for many requests.

import Logging
import Switchyard
import SwitchyardAMQP
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPostgres

/// Records producers' idempotency keys and publishes their requests' events with confirms,
/// grouping the requests that arrive together (``RequestGroups``), as ``WebhookAcceptor``
/// does for webhooks.
///
/// The group's keys are inserted in one statement, in key order, so two groups never wait for
/// each other's keys in opposite orders. A request whose key is new has its events published
/// and confirmed; one whose key exists gets the answer stored with it when its body is the
/// same, and 422 `idempotency_key_reused` when not; the keys of requests whose events the
/// broker refused are deleted again, so that a retry publishes them. The group is answered,
/// then the transaction commits, as for webhooks: a key that commit loses (as a database crash
/// could lose it) only lets a retry publish the same message ids again, which consumers'
/// inboxes absorb, since the ids derive from the key.
struct KeyedEventAcceptor: Sendable {
    /// A request's events with its key. A class: a group's lists share it.
    final class Request: Sendable {
        let tenantID: String
        let key: IdempotencyKey
        /// The answer to store and return.
        let answer: String
        /// The events to publish, all or none confirmed for a 202.
        let messages: [AMQPOutgoingMessage]

        init(tenantID: String, key: IdempotencyKey, answer: String, messages: [AMQPOutgoingMessage]) {
            self.tenantID = tenantID
            self.key = key
            self.answer = answer
            self.messages = messages
        }

        fileprivate var id: KeyID { KeyID(tenantID: tenantID, scope: key.scope, key: key.key) }
    }

    /// An `idempotency_keys` row's key.
    fileprivate struct KeyID: Hashable, Comparable {
        var tenantID: String
        var scope: String
        var key: String

        static func < (left: KeyID, right: KeyID) -> Bool {
            (left.tenantID, left.scope, left.key) < (right.tenantID, right.scope, right.key)
        }

        /// The keys as a statement's `jsonb_to_recordset` reads them.
        static func recordset(_ keys: [KeyID]) -> String {
            AcceptanceGroup.recordset(keys) { ["tenant_id": .string($0.tenantID), "scope": .string($0.scope), "key": .string($0.key)] }
        }
    }

    /// What became of a key: the body hash it was claimed with (nil: the outcome holds for
    /// any body) and the outcome for requests with that body.
    private struct Claim {
        var requestHash: [UInt8]?
        var outcome: Result<String, APIError>

        /// The answer to `request`. Another body than the claim's is refused while the key
        /// holds an answer, and told to retry when the claim failed and left the key free.
        func answer(_ request: Request) -> Result<String, APIError> {
            guard let requestHash, requestHash != request.key.requestHash else { return outcome }
            if case .success = outcome { return .failure(IdempotencyKey.reused) }
            return .failure(IdempotencyKey.inUse)
        }
    }

    private let groups: RequestGroups<Request, String>

    init(pool: PostgresPool, publisher: BrokerPublisher, logger: Logger) {
        let log = AcceptanceLog("keyed events", logger: logger)
        groups = AcceptanceGroup.groups(of: "keyed_events") { group, answers in
            await Self.run(group, answers: answers, pool: pool, publisher: publisher, log: log)
        }
    }

    /// Publishes `request`'s events and records its key, or returns the answer stored with the
    /// key by the request that claimed it first.
    /// - Throws: ``APIError`` 422 when the key was used with another body, 409 when the request
    ///   that held it failed meanwhile (a retry then succeeds), what a refused publish becomes
    ///   (``APIError/refusedPublish(_:)``), 503 when the database failed; a refused request
    ///   leaves no key behind.
    func accept(_ request: Request) async throws(APIError) -> String {
        try await groups.answer(request).get()
    }

    /// Accepts a group and answers each of its requests once; requests with one key in the
    /// group are decided by the first.
    private static func run(
        _ requests: [Request], answers: GroupAnswers<Request, String>, pool: PostgresPool, publisher: BrokerPublisher, log: AcceptanceLog
    ) async {
        await AcceptanceGroup.accept(
            requests, by: \.id, on: pool, answers: answers, log: log,
            startingWith: keyInsert,
            record: { owners, inserted, connection in
                try await record(owners, inserted: inserted, publisher: publisher, log: log, on: connection)
            },
            answer: { claims, request in claims[request.id]?.answer(request) ?? .failure(APIError.unavailable("the database")) })
    }

    /// The statement that inserts the keys and returns those that are new.
    private static func keyInsert(_ requests: [Request]) -> PostgresStatement {
        let rows = AcceptanceGroup.recordset(requests) { request in
            [
                "tenant_id": .string(request.tenantID), "scope": .string(request.key.scope), "key": .string(request.key.key),
                "request_sha256": .string(HexText.lowercase(request.key.requestHash)), "response": .string(request.answer),
            ]
        }
        return PostgresStatement(
            """
            INSERT INTO idempotency_keys (tenant_id, scope, key, request_sha256, response)
            SELECT r.tenant_id, r.scope, r.key, decode(r.request_sha256, 'hex'), r.response
            FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id uuid, scope text, key text, request_sha256 text, response text)
            ON CONFLICT DO NOTHING RETURNING tenant_id::text, scope, key
            """, [rows])
    }

    /// Inside the transaction, the keys inserted: read the claims of the known ones, publish
    /// the fresh requests' events, delete the keys of the requests the broker refused (logged).
    private static func record(
        _ requests: [Request], inserted: PostgresRows, publisher: BrokerPublisher, log: AcceptanceLog,
        on connection: isolated PostgresConnection
    ) async throws -> [KeyID: Claim] {
        let fresh = Set(try inserted.map {
            KeyID(tenantID: try $0.decode(String.self, at: 0), scope: try $0.decode(String.self, at: 1), key: try $0.decode(String.self, at: 2))
        })

        var claims: [KeyID: Claim] = [:]
        let known = requests.map(\.id).filter { !fresh.contains($0) }
        if !known.isEmpty {
            for row in try connection.query(
                """
                SELECT i.tenant_id::text, i.scope, i.key, i.request_sha256, i.response FROM idempotency_keys i
                JOIN jsonb_to_recordset($1::jsonb) AS k(tenant_id uuid, scope text, key text) USING (tenant_id, scope, key)
                """, [KeyID.recordset(known)]) {
                let id = KeyID(tenantID: try row.decode(String.self, at: 0), scope: try row.decode(String.self, at: 1), key: try row.decode(String.self, at: 2))
                claims[id] = Claim(requestHash: try row.decode([UInt8].self, at: 3), outcome: .success(try row.decode(String.self, at: 4)))
            }
            // A key that neither went in nor can be read: its request failed after this group waited for it.
            for id in known where claims[id] == nil {
                claims[id] = Claim(requestHash: nil, outcome: .failure(IdempotencyKey.inUse))
            }
        }

        let publishing = requests.filter { fresh.contains($0.id) }
        let messages = publishing.flatMap(\.messages)
        let outcomes = messages.isEmpty ? [] : await publisher.publishEach(messages)
        var outcome = outcomes.makeIterator()
        var refused: [KeyID] = []
        var firstRefusal: AMQPError?
        for request in publishing {
            var failure: AMQPError?
            for _ in request.messages {
                if case .failure(let error) = outcome.next() ?? .failure(AMQPError(.connectionClosed, "no outcome")), failure == nil {
                    failure = error
                }
            }
            if let failure {
                refused.append(request.id)
                firstRefusal = firstRefusal ?? failure
                claims[request.id] = Claim(requestHash: request.key.requestHash, outcome: .failure(APIError.refusedPublish(failure)))
            } else {
                claims[request.id] = Claim(requestHash: request.key.requestHash, outcome: .success(request.answer))
            }
        }
        if let firstRefusal {
            log.refused.log(to: log.logger, count: refused.count, metadata: ["error": "\(firstRefusal)"])
            try connection.execute(
                """
                DELETE FROM idempotency_keys i USING jsonb_to_recordset($1::jsonb) AS k(tenant_id uuid, scope text, key text)
                WHERE i.tenant_id = k.tenant_id AND i.scope = k.scope AND i.key = k.key
                """, [KeyID.recordset(refused)])
        }
        return claims
    }
}
