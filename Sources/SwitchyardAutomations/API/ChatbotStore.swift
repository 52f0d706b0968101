// The `chatbots` table as the API reads and writes it.

import SwitchyardPostgres

/// Chatbots: created, read, listed oldest first by keyset. Every statement names the tenant;
/// run them in the tenant's transaction.
enum ChatbotStore {
    /// Inserts a chatbot.
    static func create(id: String, tenantID: String, name: String, on connection: isolated PostgresConnection) throws {
        try connection.execute("INSERT INTO chatbots (id, tenant_id, name) VALUES ($1::uuid, $2::uuid, $3)", [id, tenantID, name])
    }

    /// The creation answer: the chatbot as the API shows it, timed at the transaction's start
    /// (`now()`), which the insert stores too.
    static func creationAnswer(id: String, name: String, on connection: isolated PostgresConnection) throws -> String {
        try connection.query(
            """
            SELECT json_build_object('id', $1::uuid, 'name', $2::text, 'automation_count', 0,
                                     'created_at', switchyard_time(now()), 'updated_at', switchyard_time(now()))::text
            """, [id, name])[0].decode(String.self, at: 0)
    }

    /// Whether the tenant has chatbot `id`.
    static func exists(_ id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> Bool {
        try !connection.query("SELECT 1 FROM chatbots WHERE id = $1::uuid AND tenant_id = $2::uuid", [id, tenantID]).isEmpty
    }

    /// Chatbot `id` as the API's JSON, or nil.
    static func find(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            "SELECT \(Representations.chatbot)::text FROM chatbots c WHERE c.id = $1::uuid AND c.tenant_id = $2::uuid", [id, tenantID]
        ).first?.decode(String.self, at: 0)
    }

    /// One page of the tenant's chatbots, oldest first, and the cursor of the next page.
    /// - Throws: ``ListRefusal/unknownCursor``.
    static func list(
        tenantID: String, limit: Int, after cursor: String?, on connection: isolated PostgresConnection
    ) throws -> Page {
        if let cursor, try !exists(cursor, tenantID: tenantID, on: connection) { throw ListRefusal.unknownCursor }
        let rows = try connection.query(
            """
            SELECT \(Representations.chatbot)::text, c.id::text FROM chatbots c
            WHERE c.tenant_id = $1::uuid
              AND ($2::uuid IS NULL OR (c.created_at, c.id) > (SELECT k.created_at, k.id FROM chatbots k WHERE k.id = $2::uuid))
            ORDER BY c.created_at, c.id LIMIT $3
            """, [tenantID, cursor, limit + 1])
        return try Page(rows, limit: limit)
    }
}
