// How jobs look in API answers: JSON built by Postgres.

/// SQL expressions that render a job row as the API's JSON (`json_build_object`, times through
/// `switchyard_time`), so answers come straight from the database without re-encoding.
enum JobRepresentation {
    /// A job in full: `jobs` as `j`.
    static let full = """
        json_build_object(
            'job_id', j.id, 'workflow_id', j.workflow_id, 'status', j.status, 'input', j.input,
            'current_step_id', j.current_step_id, 'step_data', j.step_data, 'result', j.final_result, 'error', j.error,
            'retry_count', j.retry_count, 'max_retries', j.max_retries, 'next_retry_at', switchyard_time(j.next_retry_at),
            'state_history', j.state_history, 'created_at', switchyard_time(j.created_at),
            'updated_at', switchyard_time(j.updated_at), 'completed_at', switchyard_time(j.completed_at))::text
        """

    /// A job in a list: `jobs` as `j`.
    static let summary = """
        json_build_object(
            'job_id', j.id, 'workflow_id', j.workflow_id, 'status', j.status, 'current_step_id', j.current_step_id,
            'created_at', switchyard_time(j.created_at), 'updated_at', switchyard_time(j.updated_at),
            'completed_at', switchyard_time(j.completed_at))::text
        """
}
