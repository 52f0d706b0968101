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
        var automationID: String
        var chatbotID: String
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

    /// Records an event's executions, each `pending` with its job or `failed` without one, in
    /// one statement. A single execution holds the event as its `trigger_data`; several share
    /// one copy in `automation_events` (500 automations matching one 256 KiB event would
    /// otherwise write 128 MB). An execution this event already has for its automation, and an
    /// event already stored, are left as they are.
    static func record(
        _ executions: [Execution], event data: String, tenantID: String, eventID: String, eventType: String,
        on connection: isolated PostgresConnection
    ) throws {
        guard !executions.isEmpty else { return }
        let rows = JSONValue.array(executions.map { execution in
            .object([
                "id": .string(execution.id), "automation_id": .string(execution.automationID),
                "chatbot_id": .string(execution.chatbotID), "matched": .string(execution.matched),
                "job_id": execution.jobID.map(JSONValue.string) ?? .null,
                "status": .string(execution.error == nil ? "pending" : "failed"),
                "error": execution.error.map(JSONValue.string) ?? .null, "match_message": .string(execution.matchMessage),
                "start_step": execution.startStep.map(JSONValue.string) ?? .null, "start_message": .string(execution.startMessage),
            ])
        })
        try connection.execute(
            """
            WITH event AS (
                INSERT INTO automation_events (tenant_id, event_id, event_type, data) SELECT $1::uuid, $2, $3, $4::jsonb WHERE $6::boolean
                ON CONFLICT (tenant_id, event_id) DO NOTHING
            )
            INSERT INTO automation_executions (
                id, tenant_id, automation_id, chatbot_id, event_id, event_type, trigger_data, matched, job_id, status, error,
                completed_at, execution_log)
            SELECT x.id, $1::uuid, x.automation_id, x.chatbot_id, $2, $3, CASE WHEN $6::boolean THEN NULL ELSE $4::jsonb END,
                   x.matched::jsonb, x.job_id, x.status, x.error,
                   CASE WHEN x.status = 'failed' THEN now() END,
                   jsonb_build_array(
                       jsonb_build_object('at', switchyard_time(now()), 'status', 'matched', 'message', x.match_message),
                       jsonb_strip_nulls(jsonb_build_object(
                           'at', switchyard_time(now()), 'status', x.status, 'step_id', x.start_step, 'message', x.start_message)))
            FROM jsonb_to_recordset($5::jsonb) AS x(
                id uuid, automation_id uuid, chatbot_id uuid, matched text, job_id uuid, status text, error text,
                match_message text, start_step text, start_message text)
            ON CONFLICT (event_id, automation_id) DO NOTHING
            """,
            [tenantID, eventID, eventType, data, rows.jsonText, executions.count > 1])
    }
}
