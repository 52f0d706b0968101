// The archive of dead letters as operators see it: selecting, summarising and showing them.

public import Foundation
public import SwitchyardPostgres

/// Which archived dead letters an operator means: ids, or an origin queue narrowed by error
/// class and time.
public struct DeadLetterSelection: Sendable, Equatable {
    /// Archive ids (`dead_letters.id`); when given, the other fields narrow nothing.
    public var ids: [Int64]
    /// The origin work queue.
    public var queue: String?
    /// The error class.
    public var errorClass: String?
    /// Archived at or after.
    public var since: Date?

    /// Creates a selection.
    public init(ids: [Int64] = [], queue: String? = nil, errorClass: String? = nil, since: Date? = nil) {
        self.ids = ids
        self.queue = queue
        self.errorClass = errorClass
        self.since = since
    }

    /// A `since` as operators write it: RFC 3339 (`2026-11-30T05:00:00Z`) or an age before `now`
    /// (`30s`, `30m`, `2h`, `1d`); nil when it is neither. A time before the Unix epoch (an age
    /// of a million days, the year 0001) is the epoch: every letter was archived since, and the
    /// database's timestamps end a few hundred thousand years back.
    public static func time(from text: String, now: Date = Date()) -> Date? {
        let date: Date
        if let written = ISO8601DateFormatter().date(from: text) {
            date = written
        } else {
            guard let match = text.wholeMatch(of: /(\d{1,9})([smhd])/), let amount = Double(match.1) else { return nil }
            let unit: Double = ["s": 1, "m": 60, "h": 3_600, "d": 86_400][String(match.2)] ?? 1
            date = now.addingTimeInterval(-amount * unit)
        }
        return max(date, Date(timeIntervalSince1970: 0))
    }

    /// The SQL condition (parameters from `$1`) and its parameters.
    func condition() -> (sql: String, parameters: [any PostgresEncodable]) {
        if !ids.isEmpty {
            return ("id = ANY($1::bigint[])", ["{" + ids.map(String.init).joined(separator: ",") + "}"])
        }
        var clauses = ["discarded_at IS NULL"]
        var parameters: [any PostgresEncodable] = []
        if let queue {
            parameters.append(queue)
            clauses.append("origin_queue = $\(parameters.count)")
        }
        if let errorClass {
            parameters.append(errorClass)
            clauses.append("error_class = $\(parameters.count)")
        }
        if let since {
            parameters.append(since.timeIntervalSince1970)
            clauses.append("archived_at >= to_timestamp($\(parameters.count)::double precision)")
        }
        return (clauses.joined(separator: " AND "), parameters)
    }
}

/// One archived dead letter.
public struct ArchivedDeadLetter: Sendable, Codable, Equatable {
    /// The archive id.
    public var id: Int64
    /// The message's id.
    public var messageID: String?
    /// The work queue it died in.
    public var originQueue: String
    /// The exchange it was published to, when the broker recorded one.
    public var originExchange: String?
    /// Its routing key (the event type).
    public var originRoutingKey: String?
    /// `worker`, `delivery_limit`, `rejected`, `expired`.
    public var reason: String
    /// The worker's error class, or the broker's reason.
    public var errorClass: String?
    /// What went wrong.
    public var error: String?
    /// Attempts made before it died.
    public var attempts: Int?
    /// When it was archived (RFC 3339, UTC).
    public var archivedAt: String
    /// When it was last replayed.
    public var replayedAt: String?
    /// How often it was replayed.
    public var replayCount: Int
    /// When an operator discarded it.
    public var discardedAt: String?
    /// The message's properties as archived (a JSON object).
    public var properties: String
    /// The message's headers as archived (a JSON object).
    public var headers: String
    /// The message body.
    public var body: [UInt8]

    enum CodingKeys: String, CodingKey {
        case id, reason, error, attempts, properties, headers, body
        case messageID = "message_id"
        case originQueue = "origin_queue"
        case originExchange = "origin_exchange"
        case originRoutingKey = "origin_routing_key"
        case errorClass = "error_class"
        case archivedAt = "archived_at"
        case replayedAt = "replayed_at"
        case replayCount = "replay_count"
        case discardedAt = "discarded_at"
    }

    static let columns = """
        id, message_id, origin_queue, origin_exchange, origin_routing_key, reason, error_class, error, attempts,
        to_char(archived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(replayed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), replay_count,
        to_char(discarded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), properties::text, headers::text, body
        """

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, at: 0)
        messageID = try row.decode(String?.self, at: 1)
        originQueue = try row.decode(String.self, at: 2)
        originExchange = try row.decode(String?.self, at: 3)
        originRoutingKey = try row.decode(String?.self, at: 4)
        reason = try row.decode(String.self, at: 5)
        errorClass = try row.decode(String?.self, at: 6)
        error = try row.decode(String?.self, at: 7)
        attempts = try row.decode(Int?.self, at: 8)
        archivedAt = try row.decode(String.self, at: 9)
        replayedAt = try row.decode(String?.self, at: 10)
        replayCount = try row.decode(Int.self, at: 11)
        discardedAt = try row.decode(String?.self, at: 12)
        properties = try row.decode(String.self, at: 13)
        headers = try row.decode(String.self, at: 14)
        body = try row.decode([UInt8].self, at: 15)
    }
}

/// Per origin queue and error class: how many dead letters the archive holds.
public struct DeadLetterGroup: Sendable, Codable, Equatable {
    /// The work queue they died in.
    public var originQueue: String
    /// Their error class (or the broker's reason).
    public var errorClass: String
    /// How many the archive holds.
    public var archived: Int
    /// How many of those were replayed.
    public var replayed: Int
    /// How many of those were discarded.
    public var discarded: Int
    /// The oldest archive time (RFC 3339, UTC).
    public var oldest: String
    /// The newest archive time.
    public var newest: String

    enum CodingKeys: String, CodingKey {
        case archived, replayed, discarded, oldest, newest
        case originQueue = "origin_queue"
        case errorClass = "error_class"
    }
}

/// Selected dead letters of one origin queue and routing key, counted.
public struct DeadLetterSummary: Sendable, Equatable {
    /// The work queue they died in.
    public var originQueue: String
    /// Their routing key (the event type).
    public var originRoutingKey: String?
    /// Neither replayed nor discarded.
    public var waiting: Int
    /// Replayed before.
    public var replayed: Int
    /// Discarded by an operator.
    public var discarded: Int
}

/// Reads the `dead_letters` archive for operators; only ``discard(_:on:)`` changes it.
public enum DeadLetterLedger {
    /// JSON indented with sorted keys, or the bytes as text when they aren't JSON: how a dead
    /// letter's body, headers and properties are shown.
    public static func pretty(_ bytes: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Counts by origin queue and error class, with the oldest and newest archive times.
    public static func groups(on connection: isolated PostgresConnection) throws -> [DeadLetterGroup] {
        try connection.query(
            """
            SELECT origin_queue, coalesce(error_class, reason), count(*),
                   count(*) FILTER (WHERE replayed_at IS NOT NULL), count(*) FILTER (WHERE discarded_at IS NOT NULL),
                   to_char(min(archived_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(max(archived_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM dead_letters GROUP BY 1, 2 ORDER BY 1, 2
            """
        ).map {
            DeadLetterGroup(
                originQueue: try $0.decode(String.self, at: 0), errorClass: try $0.decode(String.self, at: 1),
                archived: try $0.decode(Int.self, at: 2), replayed: try $0.decode(Int.self, at: 3),
                discarded: try $0.decode(Int.self, at: 4), oldest: try $0.decode(String.self, at: 5),
                newest: try $0.decode(String.self, at: 6))
        }
    }

    /// The selected dead letters, oldest first, at most `limit`; with `after`, only those whose
    /// id is greater (keyset paging: pass the last id of the previous page).
    public static func select(
        _ selection: DeadLetterSelection, after: Int64? = nil, limit: Int, on connection: isolated PostgresConnection
    ) throws -> [ArchivedDeadLetter] {
        var (condition, parameters) = selection.condition()
        if let after {
            parameters.append(after)
            condition += " AND id > $\(parameters.count)"
        }
        return try connection.query(
            "SELECT \(ArchivedDeadLetter.columns) FROM dead_letters WHERE \(condition) ORDER BY id LIMIT \(limit)", parameters
        ).map(ArchivedDeadLetter.init(row:))
    }

    /// The selected dead letters counted by origin queue and routing key: how many are still
    /// waiting to be replayed, and how many were replayed or discarded already.
    public static func summary(_ selection: DeadLetterSelection, on connection: isolated PostgresConnection) throws -> [DeadLetterSummary] {
        let (condition, parameters) = selection.condition()
        return try connection.query(
            """
            SELECT origin_queue, origin_routing_key,
                   count(*) FILTER (WHERE replayed_at IS NULL AND discarded_at IS NULL),
                   count(*) FILTER (WHERE replayed_at IS NOT NULL), count(*) FILTER (WHERE discarded_at IS NOT NULL)
            FROM dead_letters WHERE \(condition) GROUP BY 1, 2 ORDER BY 1, 2
            """, parameters
        ).map {
            DeadLetterSummary(
                originQueue: try $0.decode(String.self, at: 0), originRoutingKey: try $0.decode(String?.self, at: 1),
                waiting: try $0.decode(Int.self, at: 2), replayed: try $0.decode(Int.self, at: 3), discarded: try $0.decode(Int.self, at: 4))
        }
    }

    /// Marks the selected dead letters discarded (kept for audit, never replayed).
    /// - Returns: The ids newly discarded.
    public static func discard(_ selection: DeadLetterSelection, on connection: isolated PostgresConnection) throws -> [Int64] {
        let (condition, parameters) = selection.condition()
        return try connection.query(
            "UPDATE dead_letters SET discarded_at = now() WHERE \(condition) AND discarded_at IS NULL RETURNING id", parameters
        ).map { try $0.decode(Int64.self, at: 0) }
    }
}
