// How chatbots, automations, executions and changes look in API answers: JSON built by Postgres.

/// SQL expressions that render rows as the API's JSON (`json_build_object`, times through
/// `switchyard_time`), so answers come straight from the database.
enum Representations {
    /// A chatbot: `chatbots` as `c`.
    static let chatbot = """
        json_build_object(
            'id', c.id, 'name', c.name,
            'automation_count', (SELECT count(*) FROM automations a WHERE a.chatbot_id = c.id),
            'created_at', switchyard_time(c.created_at), 'updated_at', switchyard_time(c.updated_at))
        """

    /// An automation: `automations` as `a`.
    static let automation = """
        json_build_object(
            'id', a.id, 'chatbot_id', a.chatbot_id, 'name', a.name, 'trigger', a.trigger, 'workflow_id', a.workflow_id,
            'input_map', a.input_map, 'is_active', a.is_active, 'version', a.version,
            'created_at', switchyard_time(a.created_at), 'updated_at', switchyard_time(a.updated_at))
        """

    /// An execution: `automation_executions` as `e`. Its event is in its own row, or, when the
    /// event started several executions, in `automation_events`.
    static let execution = """
        json_build_object(
            'id', e.id, 'automation_id', e.automation_id, 'chatbot_id', e.chatbot_id, 'event_id', e.event_id,
            'event_type', e.event_type,
            'trigger_data', coalesce(e.trigger_data, (
                SELECT v.data FROM automation_events v WHERE v.tenant_id = e.tenant_id AND v.event_id = e.event_id)),
            'matched', e.matched, 'job_id', e.job_id,
            'status', e.status, 'execution_log', e.execution_log, 'started_at', switchyard_time(e.started_at),
            'completed_at', switchyard_time(e.completed_at), 'error', e.error)
        """

    /// A change to an automation: `automation_changes` as `h`.
    static let change = """
        json_build_object(
            'id', h.id, 'automation_id', h.automation_id, 'action', h.action, 'api_key_id', h.api_key_id,
            'before', h.before, 'after', h.after, 'changed_at', switchyard_time(h.changed_at))
        """
}
