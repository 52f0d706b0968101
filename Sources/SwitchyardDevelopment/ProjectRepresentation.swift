// How projects look in API answers: JSON built by Postgres.

/// SQL expressions that render a project row as the API's JSON.
enum ProjectRepresentation {
    /// A project with its build events in sequence order: `projects` as `p`.
    static let full = """
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
