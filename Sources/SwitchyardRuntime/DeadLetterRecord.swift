// A dead letter as a row of `dead_letters`: why it died and where it came from, read from our
// own headers (worker dead letters) or the broker's x-death (delivery limit, rejects, expiry),
// with every value made storable whatever the letter carries.

import Foundation
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardPostgres

/// The row the archiver writes for one dead letter.
///
/// Headers come from whoever published the message, so none is trusted: a tenant that is not a
/// UUID, a time out of range, a count that doesn't fit, NaN, NUL characters or a forged `x-death`
/// are dropped or replaced, and the headers as received are then kept as text
/// (`raw_headers`), so nothing a letter carries can make its insert fail.
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
    /// The headers as received, when ``headers`` had to be cleaned to be stored.
    var rawHeaders: String?
    var body: [UInt8]

    init(delivery: AMQPDelivery, deadLetterQueue: String) {
        var cleaner = Cleaner()
        let headers = delivery.properties.headers ?? [:]
        let death = headers["x-death"].flatMap { value -> AMQPTable? in
            guard case .array(let entries) = value, case .table(let latest)? = entries.first else { return nil }
            return latest
        }
        // A forged x-death (not a list of tables) or an error class that isn't text is noted.
        if headers["x-death"] != nil, death == nil { cleaner.changed = true }
        if headers[MessageHeaders.errorClass] != nil, headers[MessageHeaders.errorClass]?.stringValue == nil { cleaner.changed = true }
        messageID = cleaner.text(delivery.properties.messageID, limit: 255)
        tenantID = headers[MessageHeaders.tenant]?.stringValue.flatMap { UUID(uuidString: $0) != nil ? $0.lowercased() : nil }
        if headers[MessageHeaders.tenant] != nil, tenantID == nil { cleaner.changed = true }
        body = delivery.body
        self.headers = cleaner.json(.table(headers))
        properties = .object([
            "message_id": messageID.map(JSONValue.string) ?? .null,
            "type": cleaner.text(delivery.properties.type, limit: 255).map(JSONValue.string) ?? .null,
            "correlation_id": cleaner.text(delivery.properties.correlationID, limit: 255).map(JSONValue.string) ?? .null,
            "content_type": cleaner.text(delivery.properties.contentType, limit: 255).map(JSONValue.string) ?? .null,
            "app_id": cleaner.text(delivery.properties.appID, limit: 255).map(JSONValue.string) ?? .null,
            "timestamp": delivery.properties.timestamp.flatMap { Int64(exactly: $0) }.map(JSONValue.int) ?? .null,
        ])
        let identity = messageID ?? delivery.omittedBodySize.map { "omitted-body-\($0)" } ?? "body-\(Self.fingerprint(delivery.body))"
        if let errorClass = headers[MessageHeaders.errorClass]?.stringValue {
            // Published by a worker that gave up.
            reason = "worker"
            self.errorClass = cleaner.text(errorClass, limit: 255)
            error = cleaner.text(headers[MessageHeaders.error]?.stringValue, limit: 10_000)
            attempts = cleaner.count(headers[MessageHeaders.attempts])
            firstFailure = cleaner.time(headers[MessageHeaders.firstFailure])
            lastFailure = cleaner.time(headers[MessageHeaders.lastFailure])
            worker = cleaner.text(headers[MessageHeaders.worker]?.stringValue, limit: 255)
            originQueue = cleaner.text(headers[MessageHeaders.originQueue]?.stringValue, limit: 255) ?? deadLetterQueue
            originExchange = nil
            originRoutingKey = cleaner.text(headers[MessageHeaders.originRoutingKey]?.stringValue, limit: 255)
            archiveKey = "\(originQueue)|\(identity)|worker|\(attempts ?? 0)"
        } else {
            // Dead-lettered by the broker: delivery limit, reject without requeue, expiry.
            reason = cleaner.text(death?["reason"]?.stringValue, limit: 64) ?? "unknown"
            originQueue = cleaner.text(death?["queue"]?.stringValue, limit: 255) ?? deadLetterQueue
            originExchange = cleaner.text(death?["exchange"]?.stringValue, limit: 255)
            if case .array(let keys)? = death?["routing-keys"] { originRoutingKey = cleaner.text(keys.first?.stringValue, limit: 255) }
            let count = cleaner.count(death?["count"]) ?? 1
            attempts = cleaner.count(headers["x-delivery-count"]) ?? cleaner.count(headers[MessageHeaders.attempt])
            errorClass = reason
            error = "dead-lettered by the broker (\(reason)) from \(originQueue)"
            if case .timestamp(let seconds)? = death?["time"] { lastFailure = cleaner.time(Int(exactly: seconds).map { $0 &* 1000 }) }
            firstFailure = cleaner.time(headers[MessageHeaders.firstFailure])
            worker = nil
            archiveKey = "\(originQueue)|\(identity)|\(reason)|\(count)"
        }
        if let size = delivery.omittedBodySize {
            error = (error.map { "\($0); " } ?? "") + "(\(errorClass ?? reason)) "
                + "its body of \(size) bytes, more than the archiver's message limit (SWITCHYARD_MESSAGE_LIMIT), was left out"
            errorClass = WorkMessage.tooLargeErrorClass
        }
        rawHeaders = cleaner.changed ? Self.rawText(headers) : nil
    }

    func insert(on connection: isolated PostgresConnection) throws {
        let encoder = JSONEncoder()
        try connection.execute(
            """
            INSERT INTO dead_letters (archive_key, message_id, tenant_id, origin_queue, origin_exchange,
                origin_routing_key, reason, error_class, error, attempts, first_failure_at, last_failure_at,
                worker, properties, headers, raw_headers, body)
            VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10,
                to_timestamp($11::double precision / 1000), to_timestamp($12::double precision / 1000),
                $13, $14::jsonb, $15::jsonb, $16, $17)
            ON CONFLICT (archive_key) DO NOTHING
            """,
            [archiveKey, messageID, tenantID, originQueue, originExchange, originRoutingKey, reason, errorClass,
             error, attempts, firstFailure, lastFailure, worker,
             String(decoding: try encoder.encode(properties), as: UTF8.self),
             String(decoding: try encoder.encode(headers), as: UTF8.self), rawHeaders, body])
    }

    /// The last resort for a letter whose cleaned row the database still refused: only values
    /// built here (ids and names from the topology, the body as bytes, the headers as escaped
    /// text), so the letter is archived rather than lost or looped on.
    func minimalInsert(deadLetterQueue: String, refusal: String, on connection: isolated PostgresConnection) throws {
        let key = "\(deadLetterQueue)|unstorable|\(Self.fingerprint(Array(archiveKey.utf8)))|\(Self.fingerprint(body))"
        try connection.execute(
            """
            INSERT INTO dead_letters (archive_key, origin_queue, reason, error_class, error, raw_headers, body)
            VALUES ($1, $2, 'unstorable', 'unstorable', $3, $4, $5)
            ON CONFLICT (archive_key) DO NOTHING
            """,
            [key, deadLetterQueue, Cleaner.escaped("the letter's row was refused (\(refusal)); its headers are kept as text"),
             Cleaner.escaped(rawHeaders ?? "\(headers)"), body])
    }

    /// The headers as text, as received, with control characters escaped.
    private static func rawText(_ headers: AMQPTable) -> String {
        Cleaner.escaped(String(String(describing: headers).prefix(100_000)))
    }

    /// A stable 64-bit FNV-1a hash of some bytes.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

/// Turns header values into what the archive can store, noting whether anything changed.
private struct Cleaner {
    var changed = false

    /// `text` without NUL characters and cut to `limit` characters.
    mutating func text(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        let clean = String(Self.withoutNUL(text).prefix(limit))
        if clean != text { changed = true }
        return clean
    }

    /// A count that fits the `int` column and is not negative, else nil.
    mutating func count(_ value: AMQPFieldValue?) -> Int? {
        guard let value else { return nil }
        guard let count = value.intValue, (0...Int(Int32.max)).contains(count) else {
            changed = true
            return nil
        }
        return count
    }

    /// Epoch milliseconds between 1970 and the year 9999 (``MessageTime``), else nil.
    mutating func time(_ value: AMQPFieldValue?) -> Int? {
        time(value.flatMap { $0.intValue } ?? (value == nil ? nil : -1))
    }

    mutating func time(_ milliseconds: Int?) -> Int? {
        guard let milliseconds else { return nil }
        guard let moment = MessageTime.moment(milliseconds) else {
            changed = true
            return nil
        }
        return moment
    }

    /// A field value as JSON that `jsonb` accepts: NaN and infinities as strings, NUL removed.
    mutating func json(_ value: AMQPFieldValue) -> JSONValue {
        switch value {
        case .bool(let v): return .bool(v)
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .timestamp:
            return .int(Int64(value.intValue ?? 0))
        case .uint64(let v): return Int64(exactly: v).map(JSONValue.int) ?? .string(String(v))
        case .float(let v): return number(Double(v))
        case .double(let v): return number(v)
        case .decimal(let scale, let v): return number(Double(v) / pow(10, Double(scale)))
        case .string(let v): return .string(text(v, limit: 100_000) ?? "")
        case .bytes(let v):
            let decoded = String(validating: v, as: UTF8.self) ?? HexText.lowercase(v)
            return .string(text(decoded, limit: 100_000) ?? "")
        case .array(let values): return .array(values.map { json($0) })
        case .table(let table):
            var members: [String: JSONValue] = [:]
            for (key, value) in table {
                members[text(key, limit: 255) ?? ""] = json(value)
            }
            return .object(members)
        case .void: return .null
        }
    }

    private mutating func number(_ value: Double) -> JSONValue {
        guard value.isFinite else {
            changed = true
            return .string(String(value))
        }
        return .double(value)
    }

    private static func withoutNUL(_ text: String) -> String {
        text.utf8.contains(0) ? String(text.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : Character($0) }) : text
    }

    /// `text` with NUL and other control characters (except newline and tab) as `\u{XX}`.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
