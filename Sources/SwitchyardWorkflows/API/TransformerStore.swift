// The `transformers` table as the transformer API reads and writes it.

import Foundation
import SwitchyardPostgres

/// A tenant's configured transformers. Every statement names the tenant; run them in the
/// tenant's transaction.
enum TransformerStore {
    /// A stored transformer's secrets, for keeping them when a `PUT` sends `"***"` back.
    struct StoredSecrets {
        var names: [String]
        var sealed: [UInt8]?
    }

    /// The sealed secrets of a transformer, locked until the transaction ends; nil when it does
    /// not exist.
    static func secrets(tenantID: String, id: String, on connection: isolated PostgresConnection) throws -> StoredSecrets? {
        try connection.query(
            "SELECT array_to_json(secret_names)::text, sealed_secrets FROM transformers WHERE tenant_id = $1::uuid AND id = $2 FOR UPDATE",
            [tenantID, id]
        ).first.map { row in
            StoredSecrets(
                names: try JSONDecoder().decode([String].self, from: Data(try row.decode(String.self, at: 0).utf8)),
                sealed: try row.decode([UInt8]?.self, at: 1))
        }
    }

    /// Creates or replaces a transformer.
    /// - Returns: Its version (1 when created).
    static func save(
        tenantID: String, id: String, type: String, description: String?, config: String, secretNames: [String], sealed: [UInt8]?,
        on connection: isolated PostgresConnection
    ) throws -> Int {
        try connection.query(
            """
            INSERT INTO transformers (tenant_id, id, type, description, config, secret_names, sealed_secrets)
            VALUES ($1::uuid, $2, $3, $4, $5::jsonb, ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), $7)
            ON CONFLICT (tenant_id, id) DO UPDATE SET type = EXCLUDED.type, description = EXCLUDED.description,
                config = EXCLUDED.config, secret_names = EXCLUDED.secret_names, sealed_secrets = EXCLUDED.sealed_secrets,
                version = transformers.version + 1, updated_at = now()
            RETURNING version
            """, [tenantID, id, type, description, config, jsonArray(secretNames), sealed]
        )[0].decode(Int.self, at: 0)
    }

    /// A transformer row `t` as the API shows it: secrets as `"***"`.
    private static let representation = """
        json_build_object('id', t.id, 'type', t.type, 'description', t.description, 'builtin', false,
            'config', t.config || CASE WHEN cardinality(t.secret_names) = 0 THEN '{}'::jsonb
                ELSE jsonb_build_object('secrets', (SELECT jsonb_object_agg(n, '***') FROM unnest(t.secret_names) AS n)) END,
            'version', t.version, 'created_at', switchyard_time(t.created_at), 'updated_at', switchyard_time(t.updated_at))::text
        """

    /// A transformer as the API's JSON, or nil.
    static func find(tenantID: String, id: String, on connection: isolated PostgresConnection) throws -> String? {
        try connection.query(
            "SELECT \(representation) FROM transformers t WHERE t.tenant_id = $1::uuid AND t.id = $2", [tenantID, id]
        ).first?.decode(String.self, at: 0)
    }

    /// The tenant's transformers by id.
    static func list(tenantID: String, on connection: isolated PostgresConnection) throws -> [String] {
        try connection.query(
            "SELECT \(representation) FROM transformers t WHERE t.tenant_id = $1::uuid ORDER BY t.id LIMIT 1000", [tenantID]
        ).map { try $0.decode(String.self, at: 0) }
    }

    private static func jsonArray(_ strings: [String]) -> String {
        "[" + strings.map(WorkflowsController.quoted).joined(separator: ",") + "]"
    }
}
