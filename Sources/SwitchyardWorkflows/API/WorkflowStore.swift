// The `workflows` and `workflow_versions` tables as the workflow API reads and writes them.

import SwitchyardPostgres

/// Tenants' workflows and their versions, and the built-in ones every tenant sees. Every
/// statement names the tenant; run them in the tenant's transaction.
enum WorkflowStore {
    /// What a save did.
    enum Saved {
        /// A new workflow at version 1.
        case created
        /// A new version.
        case updated(version: Int)
        /// The same name, description and definition as the latest version: nothing changed.
        case unchanged(version: Int)
    }

    /// Whether `id` names a built-in workflow.
    static func isBuiltIn(_ id: String, on connection: isolated PostgresConnection) throws -> Bool {
        try !connection.query("SELECT 1 FROM workflows WHERE tenant_id IS NULL AND id = $1", [id]).isEmpty
    }

    /// The ids of the tenant's configured transformers.
    static func transformerIDs(tenantID: String, on connection: isolated PostgresConnection) throws -> Set<String> {
        Set(try connection.query("SELECT id FROM transformers WHERE tenant_id = $1::uuid", [tenantID]).map { try $0.decode(String.self, at: 0) })
    }

    /// Saves a workflow: version 1, or the next version when anything changed.
    static func save(
        tenantID: String, id: String, name: String, description: String?, definition: String, on connection: isolated PostgresConnection
    ) throws -> Saved {
        _ = try connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended('sy_workflow:' || $1 || '/' || $2, 0))", [tenantID, id])
        let current = try connection.query(
            """
            SELECT version, name = $3 AND description IS NOT DISTINCT FROM $4 AND definition = $5::jsonb
            FROM workflows WHERE tenant_id = $1::uuid AND id = $2
            """, [tenantID, id, name, description, definition]
        ).first.map { (version: try $0.decode(Int.self, at: 0), same: try $0.decode(Bool.self, at: 1)) }
        if let current, current.same { return .unchanged(version: current.version) }
        let version = (current?.version ?? 0) + 1
        if current == nil {
            try connection.execute(
                """
                INSERT INTO workflows (id, tenant_id, name, description, definition, version)
                VALUES ($2, $1::uuid, $3, $4, $5::jsonb, 1)
                """, [tenantID, id, name, description, definition])
        } else {
            try connection.execute(
                """
                UPDATE workflows SET name = $3, description = $4, definition = $5::jsonb, version = $6, updated_at = now()
                WHERE tenant_id = $1::uuid AND id = $2
                """, [tenantID, id, name, description, definition, version])
        }
        try connection.execute(
            """
            INSERT INTO workflow_versions (tenant_id, workflow_id, version, name, description, definition)
            VALUES ($1::uuid, $2, $3, $4, $5, $6::jsonb)
            """, [tenantID, id, version, name, description, definition])
        return current == nil ? .created : .updated(version: version)
    }

    /// A workflow row `w` in a list.
    private static let summary = """
        json_build_object('id', w.id, 'name', w.name, 'description', w.description, 'version', w.version,
            'builtin', w.tenant_id IS NULL, 'created_at', switchyard_time(w.created_at), 'updated_at', switchyard_time(w.updated_at))::text
        """

    /// One page of the workflows the tenant can run (its own and the built-in ones) by id, and
    /// the cursor of the next page.
    static func list(tenantID: String, limit: Int, after cursor: String?, on connection: isolated PostgresConnection) throws -> (workflows: [String], nextCursor: String?) {
        let rows = try connection.query(
            """
            SELECT \(summary), w.id FROM workflows w
            WHERE (w.tenant_id IS NULL OR w.tenant_id = $1::uuid) AND ($2::text IS NULL OR w.id > $2)
            ORDER BY w.id LIMIT $3
            """, [tenantID, cursor, limit + 1]
        ).map { (json: try $0.decode(String.self, at: 0), id: try $0.decode(String.self, at: 1)) }
        let page = rows.prefix(limit)
        return (page.map(\.json), rows.count > limit ? page.last?.id : nil)
    }

    /// A workflow with its latest definition (or version `version`'s) and its version list, or nil.
    static func find(tenantID: String, id: String, version: Int?, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            """
            SELECT json_build_object('id', w.id, 'name', v.name, 'description', v.description, 'version', v.version,
                'latest_version', w.version, 'builtin', w.tenant_id IS NULL, 'definition', v.definition,
                'created_at', switchyard_time(w.created_at), 'updated_at', switchyard_time(v.created_at),
                'versions', (SELECT json_agg(json_build_object('version', a.version, 'created_at', switchyard_time(a.created_at))
                                             ORDER BY a.version DESC)
                             FROM workflow_versions a WHERE a.tenant_id IS NOT DISTINCT FROM w.tenant_id AND a.workflow_id = w.id))::text
            FROM workflows w
            JOIN workflow_versions v ON v.tenant_id IS NOT DISTINCT FROM w.tenant_id AND v.workflow_id = w.id
                AND v.version = coalesce($3::int, w.version)
            WHERE w.id = $2 AND (w.tenant_id IS NULL OR w.tenant_id = $1::uuid)
            """, [tenantID, id, version]
        ).first?.decode(String.self, at: 0)
    }
}
