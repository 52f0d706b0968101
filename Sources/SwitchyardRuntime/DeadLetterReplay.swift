// Putting archived dead letters back on the broker, each once at a time, with confirms.

import Foundation
public import Switchyard
public import SwitchyardAMQP
import SwitchyardCore
public import SwitchyardPostgres

/// Replays archived dead letters to their origin queue's exchange and routing key, as the
/// topology gives them.
///
/// Each dead letter is claimed in a transaction (`FOR UPDATE SKIP LOCKED`), republished with a
/// publisher confirm and marked (`replayed_at`, `replay_count`, `replayed_by`) in that same
/// transaction, so two operators replaying at once never publish one dead letter twice, and a
/// publish the broker refuses leaves it unmarked. A dead letter that was replayed before is
/// skipped (its message id would only meet the inbox of the consumer that handled it). The
/// message keeps its id, type, correlation id, tenant and trace context; it starts again at
/// attempt 1, and the broker's `x-*` headers and our failure headers are dropped.
public struct DeadLetterReplay: Sendable {
    /// What happened to one selected dead letter.
    public enum Outcome: Sendable, Equatable {
        /// Republished and confirmed to this exchange and routing key.
        case replayed(exchange: String, routingKey: String)
        /// Not published: replayed before, discarded, being replayed by someone else now, or
        /// archived without its body (``WorkMessage/tooLargeErrorClass``).
        case skipped(String)
        /// Not published: the broker refused it or it can't be routed (its origin is gone?).
        case failed(String)
    }

    private let topology: Topology
    private let operatorName: String

    /// Creates a replayer.
    /// - Parameters:
    ///   - topology: Maps origin queues to their lane's exchange.
    ///   - operatorName: Recorded as `replayed_by`.
    public init(topology: Topology, operatorName: String) {
        self.topology = topology
        self.operatorName = operatorName
    }

    /// Headers that describe the previous life of a message and are not carried into a replay.
    static let droppedHeaders: Set<String> = [
        MessageHeaders.errorClass, MessageHeaders.error, MessageHeaders.attempts, MessageHeaders.firstFailure,
        MessageHeaders.lastFailure, MessageHeaders.worker, MessageHeaders.originQueue, MessageHeaders.originRoutingKey,
    ]

    /// Where a dead letter goes back to: the exchange of its origin queue's lane, as the
    /// topology says, with its original routing key only when the topology binds that key to
    /// the origin queue's role; nil when the origin queue is not a work queue of the topology or
    /// the key is not one of its bindings. Nothing the letter's headers carry picks the exchange,
    /// and no routing key reaches a queue the letter didn't come from.
    public func destination(of letter: ArchivedDeadLetter) -> (exchange: String, routingKey: String)? {
        destination(originQueue: letter.originQueue, routingKey: letter.originRoutingKey)
    }

    /// Where dead letters of `originQueue` published with `routingKey` go back to (see
    /// ``destination(of:)``).
    public func destination(originQueue: String, routingKey: String?) -> (exchange: String, routingKey: String)? {
        guard let routingKey,
              let (role, lane) = topology.role(consuming: originQueue), lane < topology.lanes.count,
              role.events.contains(where: { Topology.topic($0, matches: routingKey) })
        else { return nil }
        return (topology.lanes[lane].exchange, routingKey)
    }

    /// The message to publish for `letter`.
    func message(for letter: ArchivedDeadLetter, to destination: (exchange: String, routingKey: String)) -> AMQPOutgoingMessage {
        let decoder = JSONDecoder()
        let properties = (try? decoder.decode(JSONValue.self, from: Data(letter.properties.utf8))) ?? .object([:])
        var headers: AMQPTable = [:]
        if case .object(let archived)? = try? decoder.decode(JSONValue.self, from: Data(letter.headers.utf8)) {
            for (name, value) in archived where !name.hasPrefix("x-") && !Self.droppedHeaders.contains(name) && name != topology.retryHeader {
                headers[name] = value.amqpValue
            }
        }
        headers[MessageHeaders.attempt] = .int64(1)
        headers[MessageHeaders.firstSeen] = .int64(Int64(Date().timeIntervalSince1970 * 1000))
        headers["sy-replay-of"] = .int64(letter.id)
        return AMQPOutgoingMessage(
            exchange: destination.exchange, routingKey: destination.routingKey, body: letter.body,
            properties: AMQPProperties(
                contentType: properties["content_type"]?.string ?? "application/json", headers: headers,
                deliveryMode: AMQPProperties.persistent, correlationID: properties["correlation_id"]?.string,
                messageID: properties["message_id"]?.string ?? letter.messageID,
                timestamp: UInt64(Date().timeIntervalSince1970), type: properties["type"]?.string,
                appID: properties["app_id"]?.string ?? "switchyard-dlq-replay"),
            mandatory: true)
    }

    /// Replays `id` if it is still waiting: claim, publish with a confirm, mark, commit.
    /// - Parameters:
    ///   - id: The archive id.
    ///   - pool: The archive's database.
    ///   - channel: A confirm-mode channel.
    public func replay(_ id: Int64, pool: PostgresPool, channel: AMQPChannel) async throws -> Outcome {
        let operatorName = operatorName
        return try await pool.withTransaction { connection -> Outcome in
            let rows = try connection.query(
                "SELECT \(ArchivedDeadLetter.columns) FROM dead_letters WHERE id = $1 FOR UPDATE SKIP LOCKED", [id])
            guard let row = rows.first else {
                let exists = !(try connection.query("SELECT 1 FROM dead_letters WHERE id = $1", [id])).isEmpty
                return .skipped(exists ? "being replayed by someone else right now" : "no dead letter with this id")
            }
            let letter = try ArchivedDeadLetter(row: row)
            if let discarded = letter.discardedAt { return .skipped("discarded at \(discarded)") }
            if let replayed = letter.replayedAt { return .skipped("already replayed at \(replayed)") }
            if letter.errorClass == WorkMessage.tooLargeErrorClass {
                return .skipped("its body was larger than the message limit and was left out: nothing to replay")
            }
            guard let destination = destination(of: letter) else {
                guard topology.role(consuming: letter.originQueue) != nil else {
                    if topology.role(deadLetteringInto: letter.originQueue) != nil {
                        return .failed("it was published into \(letter.originQueue) directly, so no work queue is known to replay it to")
                    }
                    return .failed("origin queue \(letter.originQueue) is not in the topology (as a work queue)")
                }
                return .failed("routing key \(letter.originRoutingKey ?? "(none)") is not bound to origin queue \(letter.originQueue)")
            }
            do {
                try await channel.publish(message(for: letter, to: destination))
            } catch let error as AMQPError {
                return .failed(error.code == .unroutable
                    ? "no queue takes \(destination.routingKey) on \(destination.exchange) (origin queue \(letter.originQueue) gone?)"
                    : "the broker did not confirm: \(error)")
            }
            try connection.execute(
                "UPDATE dead_letters SET replayed_at = now(), replay_count = replay_count + 1, replayed_by = $2 WHERE id = $1",
                [id, operatorName])
            return .replayed(exchange: destination.exchange, routingKey: destination.routingKey)
        }
    }
}
