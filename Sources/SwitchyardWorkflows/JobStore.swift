// The `jobs` table as the job API reads and writes it.

import Foundation
import SwitchyardCore
import SwitchyardPostgres

/// Jobs of workflows: created with their first step's message, read in full, listed newest
/// first by keyset. Every statement names the tenant; run them in the tenant's transaction.
enum JobStore {
    /// Why a job can't be created or listed.
    enum Refusal: Error {
        /// No workflow with this id visible to the tenant (its own or a built-in one).
        case unknownWorkflow
        /// The list cursor names no job of the tenant's.
        case unknownCursor
    }

    /// The first step of `workflowID` for `tenantID`.
    /// - Throws: ``Refusal/unknownWorkflow``.
    static func firstStep(ofWorkflow workflowID: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String {
        let rows = try connection.query(
            "SELECT definition->>'start' FROM workflows WHERE id = $1 AND (tenant_id IS NULL OR tenant_id = $2::uuid)",
            [workflowID, tenantID])
        guard let row = rows.first, let step = try row.decode(String?.self, at: 0) else { throw Refusal.unknownWorkflow }
        return step
    }

    /// The creation answer `{"job_id","status":"pending","created_at"}`; `created_at` is the
    /// transaction's start (`now()`), which the insert stores too.
    static func creationAnswer(jobID: String, on connection: isolated PostgresConnection) throws -> String {
        try connection.query(
            "SELECT json_build_object('job_id', $1::uuid, 'status', $2::text, 'created_at', switchyard_time(now()))::text",
            [jobID, JobStatus.pending.rawValue])[0].decode(String.self, at: 0)
    }

    /// Inserts a pending job at its first step.
    /// - Returns: The first step's `workflow.step` message.
    static func insert(
        jobID: String, tenantID: String, workflowID: String, input: String, firstStep: String,
        on connection: isolated PostgresConnection
    ) throws -> OutgoingEvent {
        try connection.execute(
            """
            INSERT INTO jobs (id, tenant_id, workflow_id, input, current_step_id, state_history)
            VALUES ($1::uuid, $2::uuid, $3, $4::jsonb, $5,
                    jsonb_build_array(jsonb_build_object('status', $6::text, 'at', switchyard_time(now()))))
            """, [jobID, tenantID, workflowID, input, firstStep, JobStatus.pending.rawValue])
        let step = try JSONEncoder().encode(JSONValue.object(["v": 1, "job_id": .string(jobID), "step_id": .string(firstStep)]))
        return OutgoingEvent(type: "workflow.step", body: Array(step), correlationID: jobID, tenantID: tenantID)
    }

    /// A job in full as the API's JSON, or nil.
    static func find(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            "SELECT \(JobRepresentation.full) FROM jobs j WHERE j.id = $1::uuid AND j.tenant_id = $2::uuid", [id, tenantID]
        ).first?.decode(String.self, at: 0)
    }

    /// One page of the tenant's jobs, newest first, and the cursor of the next page.
    /// - Throws: ``Refusal/unknownCursor``.
    static func list(
        tenantID: String, status: JobStatus?, limit: Int, after cursor: String?, on connection: isolated PostgresConnection
    ) throws -> (jobs: [String], nextCursor: String?) {
        if let cursor, try connection.query("SELECT 1 FROM jobs WHERE id = $1::uuid AND tenant_id = $2::uuid", [cursor, tenantID]).isEmpty {
            throw Refusal.unknownCursor
        }
        let rows = try connection.query(
            """
            SELECT \(JobRepresentation.summary), j.id::text FROM jobs j
            WHERE j.tenant_id = $1::uuid AND ($2::text IS NULL OR j.status = $2)
              AND ($3::uuid IS NULL OR (j.created_at, j.id) < (SELECT c.created_at, c.id FROM jobs c WHERE c.id = $3::uuid AND c.tenant_id = $1::uuid))
            ORDER BY j.created_at DESC, j.id DESC LIMIT $4
            """, [tenantID, status?.rawValue, cursor, limit + 1]
        ).map { (json: try $0.decode(String.self, at: 0), id: try $0.decode(String.self, at: 1)) }
        let page = rows.prefix(limit)
        return (page.map(\.json), rows.count > limit ? page.last?.id : nil)
    }
}
