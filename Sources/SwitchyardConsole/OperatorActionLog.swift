// The audit log of the console: who did what to how many.

public import SwitchyardCore
public import SwitchyardPostgres

/// One row of `operator_actions`.
public struct OperatorAction: Sendable, Equatable {
    /// The operator's name.
    public var operatorName: String
    /// `replay`, `purge`, `sign_in`, `sign_out`.
    public var action: String
    /// How many things it changed.
    public var affected: Int
    /// What was selected and what came of it (JSON text).
    public var detail: String
    /// When (RFC 3339, UTC).
    public var at: String
}

/// Writes and reads `operator_actions`.
public enum OperatorActionLog {
    /// Records an action of `who`.
    public static func record(
        _ action: String, by who: ConsoleOperator, affected: Int, detail: JSONValue, on connection: isolated PostgresConnection
    ) throws {
        try connection.execute(
            "INSERT INTO operator_actions (operator_id, operator_name, action, affected, detail) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)",
            [who.id, who.name, action, affected, detail.jsonText])
    }

    /// The latest actions, newest first.
    public static func recent(limit: Int, on connection: isolated PostgresConnection) throws -> [OperatorAction] {
        try connection.query(
            """
            SELECT operator_name, action, affected, detail::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM operator_actions ORDER BY id DESC LIMIT $1
            """, [limit]
        ).map {
            OperatorAction(
                operatorName: try $0.decode(String.self, at: 0), action: try $0.decode(String.self, at: 1),
                affected: try $0.decode(Int.self, at: 2), detail: try $0.decode(String.self, at: 3), at: try $0.decode(String.self, at: 4))
        }
    }
}
