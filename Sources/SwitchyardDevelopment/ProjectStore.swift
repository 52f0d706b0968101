// `projects` (with their build events) as the project API reads them.

import SwitchyardPostgres

/// Projects of the development pipeline. Every statement names the tenant; run them in the
/// tenant's transaction.
enum ProjectStore {
    /// A project with its build events as the API's JSON, or nil.
    static func find(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            "SELECT \(ProjectRepresentation.full) FROM projects p WHERE p.id = $1::uuid AND p.tenant_id = $2::uuid", [id, tenantID]
        ).first?.decode(String.self, at: 0)
    }

    /// The tenant's projects, newest first, optionally of one conversation.
    static func list(
        tenantID: String, conversationID: String?, limit: Int, on connection: isolated PostgresConnection
    ) throws -> [String] {
        try connection.query(
            """
            SELECT \(ProjectRepresentation.full) FROM projects p
            WHERE p.tenant_id = $1::uuid AND ($2::text IS NULL OR p.conversation_id = $2)
            ORDER BY p.created_at DESC, p.id DESC LIMIT $3
            """, [tenantID, conversationID, limit]
        ).map { try $0.decode(String.self, at: 0) }
    }
}
