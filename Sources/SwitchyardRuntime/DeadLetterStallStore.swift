// The rows of `dead_letter_stalls`: what the stall watch saw and did, for `switchyard queues`.

public import Foundation
public import SwitchyardPostgres

/// Reads and writes `dead_letter_stalls`.
public struct DeadLetterStallStore: Sendable {
    /// A stalled queue as recorded.
    public struct Record: Sendable, Equatable {
        /// The queue.
        public var queue: String
        /// Its dead-letter backlog when last seen.
        public var messagesDLX: Int
        /// Since when the backlog has not moved.
        public var stalledSince: Date
        /// How many recoveries were tried.
        public var recoveries: Int
        /// What the last recovery did, if any.
        public var lastRecovery: String?
    }

    private let pool: PostgresPool

    /// Creates a store on `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Records that `queue` is stalled (again, or still).
    func recordStall(vhost: String, queue: String, messagesDLX: Int, leader: String?, since: Date) async throws {
        try await pool.withConnection { connection in
            _ = try connection.execute(
                """
                INSERT INTO dead_letter_stalls (vhost, queue, messages_dlx, leader, stalled_since, observed_at)
                VALUES ($1, $2, $3, $4, $5, now())
                ON CONFLICT (vhost, queue) DO UPDATE SET
                    messages_dlx = EXCLUDED.messages_dlx, leader = EXCLUDED.leader, observed_at = now(),
                    stalled_since = CASE WHEN dead_letter_stalls.cleared_at IS NULL
                                         THEN dead_letter_stalls.stalled_since ELSE EXCLUDED.stalled_since END,
                    recoveries = CASE WHEN dead_letter_stalls.cleared_at IS NULL THEN dead_letter_stalls.recoveries ELSE 0 END,
                    cleared_at = NULL
                """, [vhost, queue, messagesDLX, leader, since])
        }
    }

    /// Marks every stall of `vhost` not in `stalled` as cleared.
    func clear(vhost: String, except stalled: [String]) async throws {
        try await pool.withConnection { connection in
            _ = try connection.execute(
                """
                UPDATE dead_letter_stalls SET cleared_at = now()
                WHERE vhost = $1 AND cleared_at IS NULL AND queue NOT IN (SELECT jsonb_array_elements_text($2::jsonb))
                """, [vhost, String(decoding: try JSONEncoder().encode(stalled), as: UTF8.self)])
        }
    }

    /// Claims the next recovery of `queue`: true for one caller per `spacing`, while stalled.
    func claimRecovery(vhost: String, queue: String, spacing: Duration) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.execute(
                """
                UPDATE dead_letter_stalls SET recoveries = recoveries + 1, last_recovery_at = now()
                WHERE vhost = $1 AND queue = $2 AND cleared_at IS NULL
                  AND (last_recovery_at IS NULL OR last_recovery_at < now() - make_interval(secs => $3))
                """, [vhost, queue, Double(spacing.components.seconds)]) == 1
        }
    }

    /// Records what a recovery did.
    func recordRecovery(vhost: String, queue: String, outcome: String) async throws {
        try await pool.withConnection { connection in
            _ = try connection.execute(
                "UPDATE dead_letter_stalls SET last_recovery = $3 WHERE vhost = $1 AND queue = $2",
                [vhost, queue, String(outcome.prefix(500))])
        }
    }

    /// The stalls of `vhost` not cleared and seen within `freshness`.
    public func current(vhost: String, freshness: Duration = .seconds(300)) async throws -> [Record] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT queue, messages_dlx, extract(epoch FROM stalled_since)::float8, recoveries, last_recovery
                FROM dead_letter_stalls
                WHERE vhost = $1 AND cleared_at IS NULL AND observed_at > now() - make_interval(secs => $2)
                ORDER BY queue
                """, [vhost, Double(freshness.components.seconds)]
            ).map { row in
                Record(
                    queue: try row.decode(String.self, at: 0), messagesDLX: try row.decode(Int.self, at: 1),
                    stalledSince: Date(timeIntervalSince1970: try row.decode(Double.self, at: 2)),
                    recoveries: try row.decode(Int.self, at: 3), lastRecovery: try row.decode(String?.self, at: 4))
            }
        }
    }
}
