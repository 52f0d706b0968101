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
        /// The job is over (completed, failed or cancelled): its status.
        case finished(String)
    }

    /// The latest version of a workflow a tenant can run.
    struct Version {
        var id: Int64
        var number: Int
        var startStep: String
    }

    /// The latest version of `workflowID` for `tenantID` (its own, or a built-in one).
    /// - Throws: ``Refusal/unknownWorkflow``.
    static func latestVersion(ofWorkflow workflowID: String, tenantID: String, on connection: isolated PostgresConnection) throws -> Version {
        let rows = try connection.query(
            """
            SELECT v.id, v.version, v.definition->>'start_step' FROM workflows w
            JOIN workflow_versions v ON v.tenant_id IS NOT DISTINCT FROM w.tenant_id AND v.workflow_id = w.id AND v.version = w.version
            WHERE w.id = $1 AND (w.tenant_id IS NULL OR w.tenant_id = $2::uuid)
            """, [workflowID, tenantID])
        guard let row = rows.first, let step = try row.decode(String?.self, at: 2) else { throw Refusal.unknownWorkflow }
        return Version(id: try row.decode(Int64.self, at: 0), number: try row.decode(Int.self, at: 1), startStep: step)
    }

    /// The creation answer `{"job_id","status":"pending","created_at"}`; `created_at` is the
    /// transaction's start (`now()`), which the insert stores too.
    static func creationAnswer(jobID: String, on connection: isolated PostgresConnection) throws -> String {
        try connection.query(
            "SELECT json_build_object('job_id', $1::uuid, 'status', $2::text, 'created_at', switchyard_time(now()))::text",
            [jobID, JobStatus.pending.rawValue])[0].decode(String.self, at: 0)
    }

    /// Inserts a pending job at its first step.
    /// - Parameter hops: How many workflow steps in a row led to it (``WorkflowHops``).
    /// - Returns: The first step's `workflow.step` message.
    static func insert(
        jobID: String, tenantID: String, workflowID: String, version: Version, input: String, hops: Int,
        on connection: isolated PostgresConnection
    ) throws -> OutgoingEvent {
        try connection.execute(
            """
            INSERT INTO jobs (id, tenant_id, workflow_id, workflow_version_id, workflow_version, input, current_step_id, state_history, hops)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb, $7,
                    jsonb_build_array(jsonb_build_object('status', $8::text, 'step_id', $7::text, 'at', switchyard_time(now()))), $9)
            """, [jobID, tenantID, workflowID, version.id, version.number, input, version.startStep, JobStatus.pending.rawValue, hops])
        return StepMessage(jobID: jobID, stepID: version.startStep).event(tenantID: tenantID)
    }

    /// A job as the API's JSON, or only the size it would take when that is over the limit asked.
    enum Answer {
        /// The job's JSON.
        case rendered(String)
        /// Not rendered: the estimated length of its JSON in bytes.
        case large(bytes: Int)
    }

    /// Cancels a job that is not over and reads it back.
    /// - Returns: The job as ``find(id:tenantID:renderingUpTo:on:)`` answers; nil when the
    ///   tenant has no such job.
    /// - Throws: ``Refusal/finished`` with the status of a job that is over.
    static func cancel(
        id: String, tenantID: String, renderingUpTo limit: Int, on connection: isolated PostgresConnection
    ) throws -> Answer? {
        guard try cancel(id: id, tenantID: tenantID, on: connection) else { return nil }
        return try find(id: id, tenantID: tenantID, renderingUpTo: limit, on: connection)
    }

    /// Cancels a job that is not over: `cancelled`, with a history entry.
    /// - Returns: False when the tenant has no such job.
    /// - Throws: ``Refusal/finished`` with the status of a job that is over.
    static func cancel(id: String, tenantID: String, on connection: isolated PostgresConnection) throws -> Bool {
        let updated = try connection.execute(
            """
            UPDATE jobs SET status = 'cancelled', next_retry_at = NULL, completed_at = clock_timestamp(), updated_at = clock_timestamp(),
                state_history = state_history || jsonb_build_array(jsonb_build_object(
                    'status', 'cancelled', 'step_id', current_step_id, 'at', switchyard_time(clock_timestamp())))
            WHERE id = $1::uuid AND tenant_id = $2::uuid AND status IN ('pending', 'running', 'awaiting_retry')
            """, [id, tenantID])
        let status = try connection.query("SELECT status FROM jobs WHERE id = $1::uuid AND tenant_id = $2::uuid", [id, tenantID])
            .first?.decode(String.self, at: 0)
        guard let status else { return false }
        if updated == 0 { throw Refusal.finished(status) }
        return true
    }

    /// A job in full as the API's JSON when its estimated length
    /// (``JobRepresentation/estimatedBytes``) is at most `limit` bytes, else that estimate; nil
    /// when the tenant has no such job.
    static func find(
        id: String, tenantID: String, renderingUpTo limit: Int = .max, on connection: isolated PostgresConnection
    ) throws -> Answer? {
        guard let row = try connection.query(
            """
            SELECT CASE WHEN e.bytes <= $3 THEN \(JobRepresentation.full) END, e.bytes
            FROM jobs j CROSS JOIN LATERAL (SELECT \(JobRepresentation.estimatedBytes) AS bytes) e
            WHERE j.id = $1::uuid AND j.tenant_id = $2::uuid
            """, [id, tenantID, Int64(limit)]
        ).first else { return nil }
        if let text = try row.decode(String?.self, at: 0) { return .rendered(text) }
        return .large(bytes: Int(try row.decode(Int64.self, at: 1)))
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
