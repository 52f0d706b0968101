// The last update number of each subject a live-update stream follows.

import Foundation
import SwitchyardCore
import SwitchyardPostgres

/// The last `live_updates` number ``LiveUpdateHub`` has seen of each followed subject.
struct LiveUpdateHeads {
    /// By subject id as Postgres prints it (lowercase).
    private var seen: [String: Int] = [:]

    /// Reads the last update number of each of `subjects` (streams' keys: UUIDs as text; any
    /// other key is skipped) and returns the keys whose number grew since the last call, or
    /// that have updates and were not followed then.
    /// - Parameters:
    ///   - subjects: The subjects that have a stream open.
    ///   - connection: Where to read; its user must see every tenant's rows.
    /// - Returns: The keys whose streams should read again.
    /// - Throws: ``PostgresError`` when the read fails.
    mutating func advanced(_ subjects: [String], on connection: PostgresConnection) async throws -> [String] {
        var keys: [String: [String]] = [:]
        for subject in subjects {
            if let id = UUID(uuidString: subject) { keys[id.uuidString.lowercased(), default: []].append(subject) }
        }
        seen = seen.filter { keys[$0.key] != nil }
        guard !keys.isEmpty else { return [] }
        let ids = JSONValue.array(keys.keys.map(JSONValue.string)).jsonText
        var advanced: [String] = []
        for row in try await connection.query(Self.lastNumbers, [ids]) {
            let id = try row.decode(String.self, at: 0)
            let seq = try row.decode(Int.self, at: 1)
            if seen[id].map({ seq > $0 }) ?? true { advanced += keys[id, default: []] }
            seen[id] = seq
        }
        return advanced
    }

    /// One backward step of the primary key `(subject_id, seq)` per subject.
    private static let lastNumbers = """
        SELECT s.id::text, l.seq
        FROM (SELECT DISTINCT value::uuid AS id FROM jsonb_array_elements_text($1::jsonb)) AS s
        CROSS JOIN LATERAL (SELECT seq FROM live_updates WHERE subject_id = s.id ORDER BY seq DESC LIMIT 1) AS l
        """
}
