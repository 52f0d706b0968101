// The `jobs` and `job_steps` rows as the engine reads and moves them.

import Foundation
import SwitchyardCore
import SwitchyardPostgres

/// The engine's SQL: what a step needs to run, the start of an attempt, and the transitions
/// that commit with the step's message (completed, next step, awaiting retry, failed, waiting).
/// Every transition appends `{status, step_id, at, attempt, error?}` to `state_history`.
enum StepStore {
    /// A job as a step sees it.
    struct Job {
        var status: JobStatus
        var tenantID: String
        var input: JSONValue
        var workflowVersionID: Int64
        var definition: String
        /// How many workflow steps in a row led to the job (``WorkflowHops``).
        var hops: Int
        /// `{"<step>": {"output": ...}}` of the finished steps.
        var outputs: [String: JSONValue]
        /// The length of what the job stores, as JSON text: its input, its finished steps'
        /// outputs, and the inputs of its steps other than this one.
        var dataSize: Int
        /// The step's own row, when it has started before.
        var step: StepRow?
    }

    /// A `job_steps` row.
    struct StepRow {
        var status: String
        var attempts: Int
        var input: JSONValue?
        /// The length of `input` as stored (JSON text); 0 without one.
        var inputSize: Int
    }

    /// The job and its finished steps' outputs, or nil when there is no such job.
    static func job(_ jobID: String, step stepID: String, on connection: isolated PostgresConnection) throws -> Job? {
        guard let row = try connection.query(
            """
            SELECT j.status, j.tenant_id::text, j.input::text, j.workflow_version_id, v.definition::text,
                (SELECT coalesce(jsonb_object_agg(s.step_id, jsonb_build_object('output', s.output)), '{}')::text
                   FROM job_steps s WHERE s.job_id = j.id AND s.status = 'completed'),
                c.status, c.attempts, c.input::text, j.hops,
                (SELECT coalesce(sum(octet_length(s.input::text)), 0) FROM job_steps s WHERE s.job_id = j.id AND s.step_id <> $2)
            FROM jobs j JOIN workflow_versions v ON v.id = j.workflow_version_id
            LEFT JOIN job_steps c ON c.job_id = j.id AND c.step_id = $2
            WHERE j.id = $1::uuid
            """, [jobID, stepID]
        ).first else { return nil }
        func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }
        var step: StepRow?
        if let status = try row.decode(String?.self, at: 6) {
            let input = try row.decode(String?.self, at: 8)
            step = StepRow(status: status, attempts: try row.decode(Int.self, at: 7), input: try input.map(json), inputSize: input?.utf8.count ?? 0)
        }
        let (input, outputs) = (try row.decode(String.self, at: 2), try row.decode(String.self, at: 5))
        return Job(
            status: JobStatus(rawValue: try row.decode(String.self, at: 0)) ?? .failed,
            tenantID: try row.decode(String.self, at: 1),
            input: try json(input),
            workflowVersionID: try row.decode(Int64.self, at: 3),
            definition: try row.decode(String.self, at: 4),
            hops: try row.decode(Int.self, at: 9),
            outputs: try json(outputs).object ?? [:],
            dataSize: input.utf8.count + outputs.utf8.count + (try row.decode(Int.self, at: 10)),
            step: step)
    }

    /// Records attempt `attempt` of a step as started, unless it was recorded before (a
    /// redelivery after a crash): the step's row (`started_at`: when the worker picked the
    /// message up), and the job `running` at this step with a history entry. Nothing happens to
    /// a job that is over.
    /// - Returns: Whether this attempt was new.
    @discardableResult
    static func start(
        _ message: StepMessage, transformerID: String, input: String, maxRetries: Int, pickedUpAt: Date,
        on connection: isolated PostgresConnection
    ) throws -> Bool {
        try connection.query(
            """
            WITH started AS (
                INSERT INTO job_steps (job_id, step_id, tenant_id, transformer_id, status, input, attempts, started_at)
                SELECT j.id, $2, j.tenant_id, $4, 'running', $5::jsonb, $3, $7::timestamptz FROM jobs j
                WHERE j.id = $1::uuid AND j.status IN ('pending', 'running', 'awaiting_retry')
                ON CONFLICT (job_id, step_id) DO UPDATE
                    SET status = 'running', input = EXCLUDED.input, attempts = EXCLUDED.attempts,
                        transformer_id = EXCLUDED.transformer_id, started_at = EXCLUDED.started_at, finished_at = NULL
                    WHERE job_steps.attempts < EXCLUDED.attempts AND job_steps.status <> 'completed'
                RETURNING 1
            )
            UPDATE jobs SET status = 'running', current_step_id = $2, max_retries = $6, next_retry_at = NULL,
                updated_at = clock_timestamp(), \(history(status: "'running'", step: "$2", attempt: "$3"))
            WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM started)
            RETURNING 1
            """, [message.jobID, message.stepID, message.attempt, transformerID, input, maxRetries, pickedUpAt]
        ).count == 1
    }

    /// The step finished with `output`; the job goes on to `next`, or completes with `result`.
    static func complete(
        _ message: StepMessage, output: String, next: String?, result: String?, on connection: isolated PostgresConnection
    ) throws {
        let step = """
            WITH step AS (
                UPDATE job_steps SET status = 'completed', output = $4::jsonb, finished_at = clock_timestamp()
                WHERE job_id = $1::uuid AND step_id = $2 AND attempts = $3 AND status IN ('running', 'waiting')
            )
            """
        if let next {
            try connection.execute(
                """
                \(step)
                UPDATE jobs SET current_step_id = $5, updated_at = clock_timestamp()
                WHERE id = $1::uuid AND status = 'running' AND current_step_id = $2
                """, [message.jobID, message.stepID, message.attempt, output, next])
        } else {
            try connection.execute(
                """
                \(step)
                UPDATE jobs SET status = 'completed', final_result = $5::jsonb, error = NULL, completed_at = clock_timestamp(),
                    updated_at = clock_timestamp(), \(history(status: "'completed'", step: "$2", attempt: "$3"))
                WHERE id = $1::uuid AND status = 'running' AND current_step_id = $2
                """, [message.jobID, message.stepID, message.attempt, output, result ?? output])
        }
    }

    /// The attempt failed and the step will be tried again after `wait`.
    static func awaitRetry(_ message: StepMessage, error: String, wait: Duration, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            WITH step AS (
                UPDATE job_steps SET status = 'awaiting_retry', error = $4, finished_at = clock_timestamp()
                WHERE job_id = $1::uuid AND step_id = $2 AND attempts = $3 AND status = 'running'
            )
            UPDATE jobs SET status = 'awaiting_retry', retry_count = retry_count + 1,
                next_retry_at = clock_timestamp() + make_interval(secs => $5::double precision / 1000),
                updated_at = clock_timestamp(), \(history(status: "'awaiting_retry'", step: "$2", attempt: "$3", error: "$4"))
            WHERE id = $1::uuid AND status = 'running' AND current_step_id = $2
            """, [message.jobID, message.stepID, message.attempt, error, wait.milliseconds])
    }

    /// The step failed for good, and with it the job.
    static func fail(_ message: StepMessage, stepError: String, jobError: String, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            WITH step AS (
                UPDATE job_steps SET status = 'failed', error = $4, attempts = greatest(attempts, $3), finished_at = clock_timestamp()
                WHERE job_id = $1::uuid AND step_id = $2 AND status <> 'completed'
            )
            UPDATE jobs SET status = 'failed', error = $5, next_retry_at = NULL, completed_at = clock_timestamp(),
                updated_at = clock_timestamp(), \(history(status: "'failed'", step: "$2", attempt: "$3", error: "$5"))
            WHERE id = $1::uuid AND status IN ('pending', 'running', 'awaiting_retry')
            """, [message.jobID, message.stepID, message.attempt, stepError, jobError])
    }

    /// A `delay` step waits; its input will be its output.
    static func wait(_ message: StepMessage, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE job_steps SET status = 'waiting'
            WHERE job_id = $1::uuid AND step_id = $2 AND attempts = $3 AND status = 'running'
            """, [message.jobID, message.stepID, message.attempt])
    }

    /// `state_history = state_history || [{status, step_id, at, attempt, error?}]` from SQL expressions.
    static func history(status: String, step: String, attempt: String, error: String? = nil) -> String {
        let entry = "jsonb_build_object('status', \(status)::text, 'step_id', \(step)::text, 'at', switchyard_time(clock_timestamp()), 'attempt', \(attempt)::int)"
        let withError = error.map { "\(entry) || jsonb_build_object('error', \($0)::text)" } ?? entry
        return "state_history = state_history || jsonb_build_array(\(withError))"
    }
}
