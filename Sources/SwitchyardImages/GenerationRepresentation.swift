// How generations look in API answers: JSON built by Postgres.

/// SQL expressions that render a generation row as the API's JSON.
enum GenerationRepresentation {
    /// A generation: `generation_jobs` as `g` joined with `users` as `u`.
    static let full = """
        json_build_object(
            'generation_id', g.id, 'user_id', u.external_id, 'prompt', g.prompt, 'slide_count', g.slide_count,
            'status', g.status, 'progress_percent', g.progress_percent, 'progress_message', g.progress_message,
            'credits_cost', g.credits_cost, 'credits_charged', g.credits_charged_at IS NOT NULL, 'result', g.result,
            'error', g.error_message, 'created_at', switchyard_time(g.created_at), 'updated_at', switchyard_time(g.updated_at),
            'completed_at', switchyard_time(g.completed_at))::text
        """
}
