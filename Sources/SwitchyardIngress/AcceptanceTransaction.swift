// The one transaction in which the ingress records what it accepted and publishes it.

import HTTPTypes
import Logging
import Switchyard
import SwitchyardAMQP
import SwitchyardAPI
public import SwitchyardPostgres

extension PostgresPool {
    /// The settings of the pool that ``accept(_:log:startingWith:_:)`` runs on: commits don't
    /// wait for the WAL flush. The receipt only deduplicates, the event's durability is the
    /// broker's confirm, and a receipt lost in a crash only lets a redelivery publish the same
    /// message id again, which consumers' inboxes absorb. As a session setting it costs no round
    /// trip per request.
    public static let acceptanceSettings = ["synchronous_commit": "off"]

    /// Runs `body` (record receipts or keys, publish with confirms, return the answers) in one
    /// transaction, its first statements sent with its `BEGIN` in one round trip (`body` gets
    /// their rows), so a failed publish leaves no receipt; a database failure becomes a 503. Run
    /// it on a pool made with ``acceptanceSettings``.
    /// - Parameters:
    ///   - count: How many requests the transaction accepts, for the log.
    ///   - log: Where a database failure is logged.
    ///   - first: The statements sent with the `BEGIN`.
    ///   - body: The work, isolated to the transaction's connection.
    /// - Returns: The answer `body` returned.
    /// - Throws: ``APIError``: what `body` threw (a refused publish among them), 503
    ///   `unavailable` when the database failed.
    nonisolated func accept<Answer: Sendable>(
        _ count: Int, log: AcceptanceLog, startingWith first: [PostgresStatement],
        _ body: @escaping @Sendable (isolated PostgresConnection, [PostgresRows]) async throws -> Answer
    ) async throws(APIError) -> Answer {
        do {
            return try await withTransaction(startingWith: first) { connection, rows in try await body(connection, rows) }
        } catch let error as APIError {
            throw error
        } catch {
            log.databaseFailure.log(to: log.logger, count: count, metadata: ["error": "\(error)"])
            throw APIError.unavailable("the database")
        }
    }
}

extension BrokerPublisher {
    /// Publishes the events of one request that records nothing, with confirms.
    /// - Throws: ``APIError``: 503 `unroutable` when no queue takes an event, 422
    ///   `invalid_message` when one can't be sent, 503 `unavailable` when the broker failed.
    nonisolated func accept(_ messages: [AMQPOutgoingMessage], log: AcceptanceLog) async throws(APIError) {
        do {
            try await publish(messages)
        } catch {
            log.refused.log(to: log.logger, metadata: ["error": "\(error)"])
            throw (error as? AMQPError).map(APIError.refusedPublish) ?? APIError.unavailable("the broker")
        }
    }
}

extension APIError {
    /// The answer to a publish the broker did not confirm: 422 `invalid_message` for a message
    /// AMQP can't encode (nothing was sent; the shared connection is unaffected), 503
    /// `unroutable` when no queue takes the event, else 503 `unavailable` (also when the
    /// confirm did not come within `SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT`: the broker may take
    /// the message later, and a retry publishes it again with the same message id, which
    /// consumers' inboxes absorb; and, at once, while the broker blocks publishing under a
    /// resource alarm).
    static func refusedPublish(_ error: AMQPError) -> APIError {
        switch error.code {
        case .invalidMessage:
            APIError(.unprocessableContent, "invalid_message", "the event can't be sent over AMQP: \(error.message)")
        case .unroutable:
            APIError(.serviceUnavailable, "unroutable", "no queue takes the event (is the topology applied?)", retryAfter: 30)
        case .confirmTimeout:
            APIError(
                .serviceUnavailable, "unavailable", "the broker did not confirm the event in time; nothing was accepted, retry later",
                retryAfter: 5)
        case .blocked:
            APIError(
                .serviceUnavailable, "unavailable",
                "the broker refuses events for now (a resource alarm); nothing was accepted, retry later", retryAfter: 5)
        default:
            APIError.unavailable("the broker")
        }
    }
}
