// A dead letter as a row of `dead_letters`: why it died and where it came from, read from our
// own headers (worker dead letters) or the broker's x-death (delivery limit, rejects, expiry).

import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardPostgres

/// The row the archiver writes for one dead letter.
struct DeadLetterRecord {
    var archiveKey: String
    var messageID: String?
    var tenantID: String?
    var originQueue: String
    var originExchange: String?
    var originRoutingKey: String?
    var reason: String
    var errorClass: String?
    var error: String?
    var attempts: Int?
    var firstFailure: Int?
    var lastFailure: Int?
    var worker: String?
    var properties: JSONValue
    var headers: JSONValue
    var body: [UInt8]

    init(delivery: AMQPDelivery, deadLetterQueue: String) {
        let headers = delivery.properties.headers ?? [:]
        let death = headers["x-death"].flatMap { value -> AMQPTable? in
            guard case .array(let entries) = value, case .table(let latest)? = entries.first else { return nil }
            return latest
        }
        messageID = delivery.properties.messageID
        tenantID = headers[MessageHeaders.tenant]?.stringValue
        body = delivery.body
        self.headers = JSONValue(amqp: .table(headers))
        properties = .object([
            "message_id": delivery.properties.messageID.map(JSONValue.string) ?? .null,
            "type": delivery.properties.type.map(JSONValue.string) ?? .null,
            "correlation_id": delivery.properties.correlationID.map(JSONValue.string) ?? .null,
            "content_type": delivery.properties.contentType.map(JSONValue.string) ?? .null,
            "app_id": delivery.properties.appID.map(JSONValue.string) ?? .null,
            "timestamp": delivery.properties.timestamp.map { .int(Int64($0)) } ?? .null,
        ])
        let identity = messageID ?? "body-\(Self.fingerprint(delivery.body))"
        if let errorClass = headers[MessageHeaders.errorClass]?.stringValue {
            // Published by a worker that gave up.
            reason = "worker"
            self.errorClass = errorClass
            error = headers[MessageHeaders.error]?.stringValue
            attempts = headers[MessageHeaders.attempts]?.intValue
            firstFailure = headers[MessageHeaders.firstFailure]?.intValue
            lastFailure = headers[MessageHeaders.lastFailure]?.intValue
            worker = headers[MessageHeaders.worker]?.stringValue
            originQueue = headers[MessageHeaders.originQueue]?.stringValue ?? deadLetterQueue
            originExchange = nil
            originRoutingKey = headers[MessageHeaders.originRoutingKey]?.stringValue
            archiveKey = "\(originQueue)|\(identity)|worker|\(attempts ?? 0)"
        } else {
            // Dead-lettered by the broker: delivery limit, reject without requeue, expiry.
            reason = death?["reason"]?.stringValue ?? "unknown"
            originQueue = death?["queue"]?.stringValue ?? deadLetterQueue
            originExchange = death?["exchange"]?.stringValue
            if case .array(let keys)? = death?["routing-keys"] { originRoutingKey = keys.first?.stringValue }
            let count = death?["count"]?.intValue ?? 1
            attempts = headers["x-delivery-count"]?.intValue ?? headers[MessageHeaders.attempt]?.intValue
            errorClass = reason
            error = "dead-lettered by the broker (\(reason)) from \(originQueue)"
            if case .timestamp(let seconds)? = death?["time"] { lastFailure = Int(seconds) * 1000 }
            firstFailure = headers[MessageHeaders.firstFailure]?.intValue
            worker = nil
            archiveKey = "\(originQueue)|\(identity)|\(reason)|\(count)"
        }
    }

    func insert(on connection: isolated PostgresConnection) throws {
        let encoder = JSONEncoder()
        try connection.execute(
            """
            INSERT INTO dead_letters (archive_key, message_id, tenant_id, origin_queue, origin_exchange,
                origin_routing_key, reason, error_class, error, attempts, first_failure_at, last_failure_at,
                worker, properties, headers, body)
            VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10,
                to_timestamp($11::double precision / 1000), to_timestamp($12::double precision / 1000),
                $13, $14::jsonb, $15::jsonb, $16)
            ON CONFLICT (archive_key) DO NOTHING
            """,
            [archiveKey, messageID, tenantID, originQueue, originExchange, originRoutingKey, reason, errorClass,
             error, attempts, firstFailure, lastFailure, worker,
             String(decoding: try encoder.encode(properties), as: UTF8.self),
             String(decoding: try encoder.encode(headers), as: UTF8.self), body])
    }

    /// A stable 64-bit FNV-1a hash of a body without a message id.
    private static func fingerprint(_ body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

extension JSONValue {
    /// An AMQP field value as JSON (bytes as text where they are UTF-8, else hex).
    init(amqp value: AMQPFieldValue) {
        switch value {
        case .bool(let v): self = .bool(v)
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .timestamp:
            self = .int(Int64(value.intValue ?? 0))
        case .uint64(let v): self = Int64(exactly: v).map(JSONValue.int) ?? .string(String(v))
        case .float(let v): self = .double(Double(v))
        case .double(let v): self = .double(v)
        case .decimal(let scale, let v): self = .double(Double(v) / pow(10, Double(scale)))
        case .string(let v): self = .string(v)
        case .bytes(let v):
            self = .string(String(validating: v, as: UTF8.self) ?? v.map { String(format: "%02x", $0) }.joined())
        case .array(let values): self = .array(values.map(JSONValue.init(amqp:)))
        case .table(let table): self = .object(table.mapValues(JSONValue.init(amqp:)))
        case .void: self = .null
        }
    }
}
