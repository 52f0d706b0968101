// The `automations` and `automation_changes` tables as the API reads and writes them.

import SwitchyardPostgres

/// Automations: created, read, listed by chatbot, changed, deleted, copied; every change
/// appended to `automation_changes` with the API key's id and the automation before and after,
/// in the same transaction. Every statement names the tenant; run them in the tenant's
/// transaction.
enum AutomationStore {
    /// The most automations one chatbot may have (matching an event walks its active ones).
    static let maxPerChatbot = 500

    /// Why a change can't be made.
    enum Refusal: Error {
        /// The chatbot already has ``maxPerChatbot`` automations.
        case tooMany
    }

    /// What an automation is made of, validated.
    struct Fields: Sendable {
        var name: String
        var eventType: String
        var trigger: String
        var workflowID: String
        var inputMap: String?
        var isActive: Bool
    }

    /// Inserts an automation on the tenant's chatbot and logs it as `action` (`create`, `copy`).
    /// - Throws: ``Refusal/tooMany``.
    static func create(
        id: String, tenantID: String, chatbotID: String, fields: Fields, action: String, keyID: String,
        on connection: isolated PostgresConnection
    ) throws {
        // One creation per chatbot at a time, so two concurrent requests can't both pass the count.
        try connection.execute("SELECT pg_advisory_xact_lock(hashtextextended('sy_automations:' || $1, 0))", [chatbotID])
        let count = try connection.query("SELECT count(*) FROM automations WHERE chatbot_id = $1::uuid AND tenant_id = $2::uuid", [chatbotID, tenantID])
        guard try count[0].decode(Int.self, at: 0) < maxPerChatbot else { throw Refusal.tooMany }
        try connection.execute(
            """
            INSERT INTO automations (id, tenant_id, chatbot_id, name, event_type, trigger, workflow_id, input_map, is_active)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::jsonb, $7, $8::jsonb, $9)
            """,
            [id, tenantID, chatbotID, fields.name, fields.eventType, fields.trigger, fields.workflowID, fields.inputMap, fields.isActive])
        try logChange(id, tenantID: tenantID, action: action, keyID: keyID, before: nil, after: find(id: id, tenantID: tenantID, on: connection),
                      on: connection)
    }

    /// Automation `id` as the API's JSON, or nil.
    static func find(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            "SELECT \(Representations.automation)::text FROM automations a WHERE a.id = $1::uuid AND a.tenant_id = $2::uuid", [id, tenantID]
        ).first?.decode(String.self, at: 0)
    }

    /// The stored fields of automation `id` (to copy it), or nil.
    static func fields(of id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> Fields? {
        guard let row = try connection.query(
            """
            SELECT name, event_type, trigger::text, workflow_id, input_map::text, is_active FROM automations
            WHERE id = $1::uuid AND tenant_id = $2::uuid
            """, [id, tenantID]).first else { return nil }
        return Fields(
            name: try row.decode(String.self, at: 0), eventType: try row.decode(String.self, at: 1), trigger: try row.decode(String.self, at: 2),
            workflowID: try row.decode(String.self, at: 3), inputMap: try row.decode(String?.self, at: 4), isActive: try row.decode(Bool.self, at: 5))
    }

    /// One page of a chatbot's automations, oldest first.
    /// - Throws: ``ListRefusal/unknownCursor``.
    static func list(
        chatbotID: String, tenantID: String, limit: Int, after cursor: String?, on connection: isolated PostgresConnection
    ) throws -> Page {
        if let cursor, try connection.query(
            "SELECT 1 FROM automations WHERE id = $1::uuid AND chatbot_id = $2::uuid AND tenant_id = $3::uuid", [cursor, chatbotID, tenantID]
        ).isEmpty {
            throw ListRefusal.unknownCursor
        }
        let rows = try connection.query(
            """
            SELECT \(Representations.automation)::text, a.id::text FROM automations a
            WHERE a.chatbot_id = $1::uuid AND a.tenant_id = $2::uuid
              AND ($3::uuid IS NULL OR (a.created_at, a.id) > (SELECT k.created_at, k.id FROM automations k WHERE k.id = $3::uuid))
            ORDER BY a.created_at, a.id LIMIT $4
            """, [chatbotID, tenantID, cursor, limit + 1])
        return try Page(rows, limit: limit)
    }

    /// A change: the fields to set (nil: keep), `inputMap` as `.some(nil)` to clear it.
    struct Patch: Sendable {
        var name: String?
        var eventType: String?
        var trigger: String?
        var workflowID: String?
        var inputMap: String??
        var isActive: Bool?
    }

    /// Applies `patch` (a new version) and logs it.
    /// - Returns: The automation as the API's JSON; nil when the tenant has no such automation.
    static func update(
        id: String, tenantID: String, patch: Patch, keyID: String, on connection: isolated PostgresConnection
    ) throws -> String? {
        guard let before = try connection.query(
            "SELECT \(Representations.automation)::text FROM automations a WHERE a.id = $1::uuid AND a.tenant_id = $2::uuid FOR UPDATE",
            [id, tenantID]).first?.decode(String.self, at: 0) else { return nil }
        try connection.execute(
            """
            UPDATE automations SET
                name = coalesce($3, name), event_type = coalesce($4, event_type), trigger = coalesce($5::jsonb, trigger),
                workflow_id = coalesce($6, workflow_id), input_map = CASE WHEN $7::boolean THEN $8::jsonb ELSE input_map END,
                is_active = coalesce($9::boolean, is_active), version = version + 1, updated_at = now()
            WHERE id = $1::uuid AND tenant_id = $2::uuid
            """,
            [id, tenantID, patch.name, patch.eventType, patch.trigger, patch.workflowID, patch.inputMap != nil, patch.inputMap ?? nil,
             patch.isActive])
        let after = try find(id: id, tenantID: tenantID, on: connection)
        try logChange(id, tenantID: tenantID, action: "update", keyID: keyID, before: before, after: after, on: connection)
        return after
    }

    /// Deletes automation `id` and logs it; its executions stay.
    /// - Returns: Whether the tenant had it.
    static func delete(id: String, tenantID: String, keyID: String, on connection: isolated PostgresConnection) throws -> Bool {
        guard let before = try find(id: id, tenantID: tenantID, on: connection) else { return false }
        try connection.execute("DELETE FROM automations WHERE id = $1::uuid AND tenant_id = $2::uuid", [id, tenantID])
        try logChange(id, tenantID: tenantID, action: "delete", keyID: keyID, before: before, after: nil, on: connection)
        return true
    }

    /// Every change to automation `id`, oldest first (also after it was deleted); empty when
    /// the tenant never had it.
    static func changes(of id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> [String] {
        try connection.query(
            """
            SELECT \(Representations.change)::text FROM automation_changes h
            WHERE h.automation_id = $1::uuid AND h.tenant_id = $2::uuid ORDER BY h.id LIMIT 1000
            """, [id, tenantID]
        ).map { try $0.decode(String.self, at: 0) }
    }

    private static func logChange(
        _ id: String, tenantID: String, action: String, keyID: String, before: String?, after: String?,
        on connection: isolated PostgresConnection
    ) throws {
        try connection.execute(
            """
            INSERT INTO automation_changes (tenant_id, automation_id, action, api_key_id, before, after)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5::jsonb, $6::jsonb)
            """, [tenantID, id, action, keyID, before, after])
    }
}
