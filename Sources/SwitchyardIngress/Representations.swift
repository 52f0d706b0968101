// How jobs, generations and projects look in API answers: JSON built by Postgres.

/// SQL expressions that render a row as the API's JSON (`json_build_object`, times through
/// `switchyard_time`), so answers come straight from the database without re-encoding.
enum Representation {
    /// A job in full: `jobs` as `j`.
    static let job = """
        json_build_object(
            'job_id', j.id, 'workflow_id', j.workflow_id, 'status', j.status, 'input', j.input,
            'current_step_id', j.current_step_id, 'step_data', j.step_data, 'result', j.final_result, 'error', j.error,
            'retry_count', j.retry_count, 'max_retries', j.max_retries, 'next_retry_at', switchyard_time(j.next_retry_at),
            'state_history', j.state_history, 'created_at', switchyard_time(j.created_at),
            'updated_at', switchyard_time(j.updated_at), 'completed_at', switchyard_time(j.completed_at))::text
        """

    /// A job in a list: `jobs` as `j`.
    static let jobSummary = """
        json_build_object(
            'job_id', j.id, 'workflow_id', j.workflow_id, 'status', j.status, 'current_step_id', j.current_step_id,
            'created_at', switchyard_time(j.created_at), 'updated_at', switchyard_time(j.updated_at),
            'completed_at', switchyard_time(j.completed_at))::text
        """

    /// A generation: `generation_jobs` as `g` joined with `users` as `u`.
    static let generation = """
        json_build_object(
            'generation_id', g.id, 'user_id', u.external_id, 'prompt', g.prompt, 'slide_count', g.slide_count,
            'status', g.status, 'progress_percent', g.progress_percent, 'progress_message', g.progress_message,
            'credits_cost', g.credits_cost, 'credits_charged', g.credits_charged_at IS NOT NULL, 'result', g.result,
            'error', g.error_message, 'created_at', switchyard_time(g.created_at), 'updated_at', switchyard_time(g.updated_at),
            'completed_at', switchyard_time(g.completed_at))::text
        """

    /// A project with its build events in sequence order: `projects` as `p`.
    static let project = """
        json_build_object(
            'project_id', p.id, 'conversation_id', p.conversation_id, 'name', p.name, 'description', p.description,
            'status', p.status, 'priority', p.priority, 'requirements', p.requirements, 'plan', p.plan, 'build_id', p.build_id,
            'build_service_project_id', p.build_service_project_id,
            'error', p.error_message, 'created_at', switchyard_time(p.created_at), 'updated_at', switchyard_time(p.updated_at),
            'completed_at', switchyard_time(p.completed_at),
            'build_events', coalesce((
                SELECT json_agg(json_build_object(
                    'sequence', e.sequence, 'kind', e.kind, 'progress', e.progress, 'message', e.message,
                    'received_at', switchyard_time(e.received_at)) ORDER BY e.sequence)
                FROM build_events e WHERE e.project_id = p.id AND e.tenant_id = p.tenant_id), '[]'::json))::text
        """
}
