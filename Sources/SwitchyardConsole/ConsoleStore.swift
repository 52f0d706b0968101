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
    /// The whole row as indented JSON.
    public var row: String
}

/// One entry of an object's history (`live_updates`).
public struct ConsoleHistoryEntry: Sendable, Equatable {
    /// 1, 2, 3... per object: the Server-Sent Event id.
    public var seq: Int
    /// `status`, `progress`, `build_event`.
    public var event: String
    /// The update as JSON.
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
    /// The object with `id` among `subjects`' tables, or nil.
    static func object(_ id: String, among subjects: [LiveSubject], on connection: isolated PostgresConnection) throws -> ConsoleObject? {
        for subject in subjects {
            let rows = try connection.query(
                """
                SELECT t.tenant_id::text, tn.name, t.status, jsonb_pretty(to_jsonb(t))
                FROM \(subject.table) t JOIN tenants tn ON tn.id = t.tenant_id WHERE t.id = $1::uuid
                """, [id])
            if let row = rows.first {
                return ConsoleObject(
                    subject: subject, id: id, tenantID: try row.decode(String.self, at: 0), tenantName: try row.decode(String.self, at: 1),
                    status: try row.decode(String.self, at: 2), row: try row.decode(String.self, at: 3))
            }
        }
        return nil
    }

    /// The object's history, oldest first (at most 1,000 entries).
    static func history(of id: String, on connection: isolated PostgresConnection) throws -> [ConsoleHistoryEntry] {
        try connection.query(
            """
            SELECT seq, event, data::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            FROM live_updates WHERE subject_id = $1::uuid ORDER BY seq LIMIT 1000
            """, [id]
        ).map {
            ConsoleHistoryEntry(
                seq: try $0.decode(Int.self, at: 0), event: try $0.decode(String.self, at: 1), data: try $0.decode(String.self, at: 2),
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
