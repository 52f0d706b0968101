// The console's reads of the pipelines' objects and the fleet's recent work. They run as the
// fleet's database user, whose `fleet` policies see every tenant: operators see all.

import Foundation
public import SwitchyardAPI
import SwitchyardPostgres

/// A job, generation, project or execution found by id.
public struct ConsoleObject: Sendable, Equatable {
    /// What kind of object.
    public var subject: LiveSubject
    /// Its id.
    public var id: String
    /// Its tenant's id and name.
    public var tenantID: String
    public var tenantName: String
    /// Its status now.
    public var status: String
    /// The row as indented JSON, its first ``ConsoleStore/rowCharacters`` characters followed by
    /// a line giving the whole row's size when it is longer.
    public var row: String
}

/// One entry of an object's history (`live_updates`).
public struct ConsoleHistoryEntry: Sendable, Equatable {
    /// 1, 2, 3... per object: the Server-Sent Event id.
    public var seq: Int
    /// `status`, `progress`, `build_event`.
    public var event: String
    /// The update as JSON, its first ``ConsoleStore/historyCharacters`` characters followed by
    /// a note giving the whole update's size when it is longer.
    public var data: String
    /// When (RFC 3339, UTC, milliseconds).
    public var at: String
}

/// Per role, what it did recently.
public struct RoleActivity: Sendable, Equatable {
    /// The role.
    public var role: String
    /// Messages it handled (its inbox rows).
    public var processed: Int
    /// Messages of its queues archived as dead letters.
    public var deadLettered: Int
}

/// The console's SQL.
enum ConsoleStore {
    /// How much of an object's row a page shows: a job's row holds its input, every step's
    /// output and its result, up to a few hundred MB as indented JSON.
    static let rowCharacters = 256 << 10
    /// How much of each history entry a page shows (of up to 1,000 entries).
    static let historyCharacters = 16 << 10

    /// The object with `id` among `subjects`' tables, or nil.
    static func object(_ id: String, among subjects: [LiveSubject], on connection: isolated PostgresConnection) throws -> ConsoleObject? {
        for subject in subjects {
            let rows = try connection.query(
                """
                SELECT t.tenant_id::text, tn.name, t.status, left(pretty, \(rowCharacters)),
                       CASE WHEN length(pretty) > \(rowCharacters) THEN octet_length(to_jsonb(t)::text) END
                FROM \(subject.table) t JOIN tenants tn ON tn.id = t.tenant_id, jsonb_pretty(to_jsonb(t)) pretty
                WHERE t.id = $1::uuid
                """, [id])
            if let row = rows.first {
                let clippedFrom = try row.decode(Int?.self, at: 4)
                return ConsoleObject(
                    subject: subject, id: id, tenantID: try row.decode(String.self, at: 0), tenantName: try row.decode(String.self, at: 1),
                    status: try row.decode(String.self, at: 2),
                    row: try row.decode(String.self, at: 3) + (clippedFrom.map { "\n… (clipped: the row is \($0) bytes as JSON)" } ?? ""))
            }
        }
        return nil
    }

    /// The object's history, oldest first (at most 1,000 entries).
    static func history(of id: String, on connection: isolated PostgresConnection) throws -> [ConsoleHistoryEntry] {
        try connection.query(
            """
            SELECT seq, event, left(text, \(historyCharacters)), to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   CASE WHEN length(text) > \(historyCharacters) THEN octet_length(text) END
            FROM live_updates, LATERAL (SELECT data::text) update_text (text)
            WHERE subject_id = $1::uuid ORDER BY seq LIMIT 1000
            """, [id]
        ).map {
            ConsoleHistoryEntry(
                seq: try $0.decode(Int.self, at: 0), event: try $0.decode(String.self, at: 1),
                data: try $0.decode(String.self, at: 2) + (try $0.decode(Int?.self, at: 4).map { " … (clipped: \($0) bytes in all)" } ?? ""),
                at: try $0.decode(String.self, at: 3))
        }
    }

    /// The object's parts (a generation's slides) as text cells, in the parts' column order.
    static func parts(_ parts: LiveSubject.Parts, of id: String, on connection: isolated PostgresConnection) throws -> [[String?]] {
        let columns = parts.columns.map { "(\($0))::text" }.joined(separator: ", ")
        return try connection.query(
            "SELECT \(columns) FROM \(parts.table) WHERE \(parts.key) = $1::uuid ORDER BY \(parts.table).\(parts.order) LIMIT 100", [id]
        ).map { row in try parts.columns.indices.map { try row.decode(String?.self, at: $0) } }
    }

    /// Per consumer (role), the inbox rows written in the last `minutes`; per origin queue, the
    /// dead letters archived in that time.
    static func activity(minutes: Int, on connection: isolated PostgresConnection) throws
        -> (processed: [String: Int], deadLettered: [String: Int])
    {
        let processed = try connection.query(
            "SELECT consumer, count(*) FROM inbox WHERE processed_at > now() - make_interval(mins => $1::int) GROUP BY 1", [minutes]
        ).reduce(into: [String: Int]()) { $0[try $1.decode(String.self, at: 0)] = try $1.decode(Int.self, at: 1) }
        let deadLettered = try connection.query(
            "SELECT origin_queue, count(*) FROM dead_letters WHERE archived_at > now() - make_interval(mins => $1::int) GROUP BY 1", [minutes]
        ).reduce(into: [String: Int]()) { $0[try $1.decode(String.self, at: 0)] = try $1.decode(Int.self, at: 1) }
        return (processed, deadLettered)
    }
}
