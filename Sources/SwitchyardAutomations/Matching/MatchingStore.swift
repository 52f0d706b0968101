// What the automations role reads and writes: a chatbot with its active automations, and
// executions.

import Foundation
import SwitchyardCore
import SwitchyardPostgres

/// The `automations` role's SQL. Workers see every tenant's rows (the fleet's policy); each
/// statement names the chatbot or the tenant it is about.
enum MatchingStore {
    /// A chatbot's tenant, name and active automations as stored.
    struct StoredChatbot {
        var tenantID: String
        var name: String
        var automations: [StoredAutomation]
    }

    /// An active automation as stored.
    struct StoredAutomation {
        var id: String
        var name: String
        var trigger: String
        var workflowID: String
        var inputMap: String?
    }

    /// Chatbot `id` with its active automations, oldest first; nil when there is none.
    static func chatbot(_ id: String, on connection: isolated PostgresConnection) throws -> StoredChatbot? {
        let rows = try connection.query(
            """
            SELECT c.tenant_id::text, c.name, a.id::text, a.name, a.trigger::text, a.workflow_id, a.input_map::text
            FROM chatbots c LEFT JOIN automations a ON a.chatbot_id = c.id AND a.is_active
            WHERE c.id = $1::uuid ORDER BY a.created_at, a.id
            """, [id])
        guard let first = rows.first else { return nil }
        var chatbot = StoredChatbot(tenantID: try first.decode(String.self, at: 0), name: try first.decode(String.self, at: 1), automations: [])
        for row in rows {
            guard let automationID = try row.decode(String?.self, at: 2) else { continue }
            chatbot.automations.append(StoredAutomation(
                id: automationID, name: try row.decode(String.self, at: 3), trigger: try row.decode(String.self, at: 4),
                workflowID: try row.decode(String.self, at: 5), inputMap: try row.decode(String?.self, at: 6)))
        }
        return chatbot
    }

    /// An execution to record.
    struct Execution: Sendable {
        var id: String
        var tenantID: String
        var automationID: String
        var chatbotID: String
        var eventID: String
        var eventType: String
        var matched: String
        /// The job it started; nil when it could not start one.
        var jobID: String?
        /// The first log entry's message (what matched).
        var matchMessage: String
        /// The second: the job started, or why it could not start.
        var startMessage: String
        /// The first step, or nil.
        var startStep: String?
        /// Why no job started; nil when one did.
        var error: String?
    }

    /// Records the event an event's executions started from, once for all of them (their
    /// `trigger_data`); nothing when it is there already.
    static func insertEvent(
        tenantID: String, eventID: String, eventType: String, data: String, on connection: isolated PostgresConnection
    ) throws {
        try connection.execute(
            """
            INSERT INTO automation_events (tenant_id, event_id, event_type, data) VALUES ($1::uuid, $2, $3, $4::jsonb)
            ON CONFLICT (tenant_id, event_id) DO NOTHING
            """,
            [tenantID, eventID, eventType, data])
    }

    /// Records an execution, `pending` with its job or `failed` without one; nothing when this
    /// event already has an execution for this automation.
    static func insert(_ execution: Execution, on connection: isolated PostgresConnection) throws {
        let status = execution.error == nil ? "pending" : "failed"
        try connection.execute(
            """
            INSERT INTO automation_executions (
                id, tenant_id, automation_id, chatbot_id, event_id, event_type, matched, job_id, status, error,
                completed_at, execution_log)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7::jsonb, $8::uuid, $9, $10,
                    CASE WHEN $9::text = 'failed' THEN now() END,
                    jsonb_build_array(
                        jsonb_build_object('at', switchyard_time(now()), 'status', 'matched', 'message', $11::text),
                        jsonb_strip_nulls(jsonb_build_object(
                            'at', switchyard_time(now()), 'status', $9, 'step_id', $12::text, 'message', $13::text))))
            ON CONFLICT (event_id, automation_id) DO NOTHING
            """,
            [
                execution.id, execution.tenantID, execution.automationID, execution.chatbotID, execution.eventID, execution.eventType,
                execution.matched, execution.jobID, status, execution.error, execution.matchMessage,
                execution.startStep, execution.startMessage,
            ])
    }
}
