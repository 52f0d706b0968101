// How jobs look in API answers: JSON built by Postgres.

/// SQL expressions that render a job row as the API's JSON (`json_build_object`, times through
/// `switchyard_time`), so answers come straight from the database without re-encoding.
enum JobRepresentation {
    /// A job in full: `jobs` as `j`.
    static let full = """
        json_build_object(
            'job_id', j.id, 'workflow_id', j.workflow_id, 'workflow_version', j.workflow_version, 'status', j.status, 'input', j.input,
            'current_step_id', j.current_step_id,
            'step_data', (SELECT coalesce(json_object_agg(s.step_id, s.output), '{}') FROM job_steps s
                          WHERE s.job_id = j.id AND s.status = 'completed'),
            'steps', (SELECT coalesce(json_agg(json_build_object(
                          'step_id', s.step_id, 'transformer_id', s.transformer_id, 'status', s.status, 'attempts', s.attempts,
                          'input', s.input, 'output', s.output, 'error', s.error, 'started_at', switchyard_time(s.started_at),
                          'finished_at', switchyard_time(s.finished_at)) ORDER BY s.started_at, s.step_id), '[]')
                      FROM job_steps s WHERE s.job_id = j.id),
            'result', j.final_result, 'final_result', j.final_result, 'error', j.error,
            'retry_count', j.retry_count, 'max_retries', j.max_retries, 'next_retry_at', switchyard_time(j.next_retry_at),
            'state_history', j.state_history, 'created_at', switchyard_time(j.created_at),
            'updated_at', switchyard_time(j.updated_at), 'completed_at', switchyard_time(j.completed_at))::text
        """

    /// A job in a list: `jobs` as `j`.
    static let summary = """
        json_build_object(
            'job_id', j.id, 'workflow_id', j.workflow_id, 'workflow_version', j.workflow_version, 'status', j.status,
            'current_step_id', j.current_step_id,
            'created_at', switchyard_time(j.created_at), 'updated_at', switchyard_time(j.updated_at),
            'completed_at', switchyard_time(j.completed_at))::text
        """
}
