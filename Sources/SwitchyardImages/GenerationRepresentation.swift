// How generations look in API answers: JSON built by Postgres.

/// SQL expressions that render a generation row as the API's JSON.
enum GenerationRepresentation {
    /// A generation: `generation_jobs` as `g` joined with `users` as `u`.
    static let full = """
        json_build_object(
            'generation_id', g.id, 'user_id', u.external_id, 'prompt', g.prompt, 'slide_count', g.slide_count,
            'status', g.status, 'progress_percent', g.progress_percent, 'progress_message', g.progress_message,
            'credits_cost', g.credits_cost, 'credits_charged', g.credits_charged_at IS NOT NULL, 'style', g.style,
            'title', (SELECT c.title FROM carousels c WHERE c.generation_id = g.id AND c.tenant_id = g.tenant_id),
            'slides', coalesce((
                SELECT json_agg(json_build_object(
                    'index', s.slide_index, 'title', s.title, 'body', s.body, 'image_prompt', s.image_prompt, 'status', s.status,
                    'content_type', s.content_type, 'width', s.width, 'height', s.height, 'bytes', s.bytes, 'sha256', s.sha256,
                    'url', CASE WHEN s.status = 'completed' THEN '/v1/generations/' || g.id || '/slides/' || s.slide_index END)
                    ORDER BY s.slide_index)
                FROM carousel_slides s WHERE s.generation_id = g.id AND s.tenant_id = g.tenant_id), '[]'::json),
            'error', g.error_message, 'created_at', switchyard_time(g.created_at), 'updated_at', switchyard_time(g.updated_at),
            'completed_at', switchyard_time(g.completed_at))::text
        """
}
