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

    /// About how long ``full`` is, in bytes, for `jobs` as `j` (a `bigint`): the JSON text of
    /// its stored values, twice for those the answer repeats (each step's output is also in
    /// `step_data`, the result is also `final_result`), and 256 bytes a step for the names and
    /// times around them. Measuring the text costs the database what rendering it would, but
    /// none of the ingress's memory, so a large answer can wait for room before it is read.
    static let estimatedBytes = """
        (coalesce(octet_length(j.input::text), 0) + coalesce(octet_length(j.state_history::text), 0) + coalesce(octet_length(j.error), 0)
         + 2 * coalesce(octet_length(j.final_result::text), 0) + 1024
         + (SELECT coalesce(sum(coalesce(octet_length(s.input::text), 0) + 2 * coalesce(octet_length(s.output::text), 0)
                                + coalesce(octet_length(s.error), 0) + 256), 0)::bigint
            FROM job_steps s WHERE s.job_id = j.id))::bigint
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
