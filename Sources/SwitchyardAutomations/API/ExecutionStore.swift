// The `automation_executions` table as the API reads it.

import SwitchyardPostgres

/// Executions: read one, list a chatbot's newest first. Every statement names the tenant; run
/// them in the tenant's transaction.
enum ExecutionStore {
    /// The statuses an execution can have: its job's, which it follows.
    static let statuses = ["pending", "running", "awaiting_retry", "completed", "failed", "cancelled"]

    /// Execution `id` as the API's JSON, or nil.
    static func find(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            "SELECT \(Representations.execution)::text FROM automation_executions e WHERE e.id = $1::uuid AND e.tenant_id = $2::uuid",
            [id, tenantID]
        ).first?.decode(String.self, at: 0)
    }

    /// One page of a chatbot's executions, newest first.
    /// - Throws: ``ListRefusal/unknownCursor``.
    static func list(
        chatbotID: String, tenantID: String, status: String?, limit: Int, after cursor: String?, on connection: isolated PostgresConnection
    ) throws -> Page {
        if let cursor, try connection.query(
            "SELECT 1 FROM automation_executions WHERE id = $1::uuid AND chatbot_id = $2::uuid AND tenant_id = $3::uuid",
            [cursor, chatbotID, tenantID]
        ).isEmpty {
            throw ListRefusal.unknownCursor
        }
        let rows = try connection.query(
            """
            SELECT \(Representations.execution)::text, e.id::text FROM automation_executions e
            WHERE e.chatbot_id = $1::uuid AND e.tenant_id = $2::uuid AND ($3::text IS NULL OR e.status = $3)
              AND ($4::uuid IS NULL OR (e.started_at, e.id) < (SELECT k.started_at, k.id FROM automation_executions k WHERE k.id = $4::uuid))
            ORDER BY e.started_at DESC, e.id DESC LIMIT $5
            """, [chatbotID, tenantID, status, cursor, limit + 1])
        return try Page(rows, limit: limit)
    }
}
