// The imagegen worker's SQL: a generation's strategy and slides, its progress, its fan-in.

import Foundation
import SwitchyardCore
import SwitchyardPostgres

/// What the imagegen worker reads and writes, inside its messages' transactions. Every
/// statement that finishes a slide first locks the generation's row, so the slides of one
/// generation commit one after the other and exactly one of them sees all done.
enum CarouselStore {
    /// A generation as the worker needs it.
    struct Generation: Sendable {
        var tenantID: String
        var status: GenerationStatus
        var prompt: String
        var slideCount: Int
        var background: String?
        var accent: String?
    }

    /// A slide as the worker needs it.
    struct Slide: Sendable {
        var title: String
        var body: String
        var imagePrompt: String
        var status: String
    }

    /// The generation `id`, or nil.
    static func generation(_ id: String, on connection: isolated PostgresConnection) throws -> Generation? {
        guard let row = try connection.query(
            "SELECT \(Generation.columns) FROM generation_jobs g WHERE g.id = $1::uuid", [id]).first
        else { return nil }
        return try Generation(row)
    }

    /// The generation `id` and its slide `index` (nil when it has no such slide), in one round
    /// trip; nil when there is no such generation.
    static func generation(
        _ id: String, slide index: Int, on connection: isolated PostgresConnection
    ) throws -> (generation: Generation, slide: Slide?)? {
        guard let row = try connection.query(
            """
            SELECT \(Generation.columns), s.title, s.body, s.image_prompt, s.status
            FROM generation_jobs g LEFT JOIN carousel_slides s ON s.generation_id = g.id AND s.slide_index = $2
            WHERE g.id = $1::uuid
            """, [id, index]).first
        else { return nil }
        let generation = try Generation(row)
        guard let status = try row.decode(String?.self, at: 9) else { return (generation, nil) }
        return (generation, Slide(
            title: try row.decode(String.self, at: 6), body: try row.decode(String.self, at: 7),
            imagePrompt: try row.decode(String.self, at: 8), status: status))
    }

    /// Marks a pending generation running while its strategy is being written (outside any
    /// message transaction: it only shows progress, and doing it twice changes nothing).
    static func markPlanning(_ id: String, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE generation_jobs SET status = 'running', started_at = coalesce(started_at, clock_timestamp()),
                progress_message = 'planning the carousel', updated_at = clock_timestamp()
            WHERE id = $1::uuid AND status = 'pending'
            """, [id])
    }

    /// Stores the strategy and its slides and moves the progress past the first step.
    /// - Returns: Whether the generation was still going (else nothing was written).
    static func storeStrategy(
        _ strategy: CarouselStrategy, generationID: String, strategist: String, on connection: isolated PostgresConnection
    ) throws -> Bool {
        let locked = try connection.query(
            "SELECT tenant_id::text, slide_count FROM generation_jobs WHERE id = $1::uuid AND status IN ('pending', 'running') FOR UPDATE",
            [generationID])
        guard let row = locked.first else { return false }
        let tenantID = try row.decode(String.self, at: 0)
        let total = try row.decode(Int.self, at: 1)
        let json = String(decoding: (try? JSONEncoder().encode(strategy)) ?? Data("{}".utf8), as: UTF8.self)
        try connection.execute(
            """
            INSERT INTO carousels (generation_id, tenant_id, title, strategy, strategist)
            VALUES ($1::uuid, $2::uuid, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING
            """, [generationID, tenantID, strategy.title, json, strategist])
        for (offset, slide) in strategy.slides.enumerated() {
            try connection.execute(
                """
                INSERT INTO carousel_slides (generation_id, tenant_id, slide_index, title, body, image_prompt)
                VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6) ON CONFLICT DO NOTHING
                """, [generationID, tenantID, offset + 1, slide.title, slide.body, slide.imagePrompt])
        }
        try connection.execute(
            """
            UPDATE generation_jobs SET status = 'running', started_at = coalesce(started_at, clock_timestamp()),
                progress_percent = $2, progress_message = $3, updated_at = clock_timestamp()
            WHERE id = $1::uuid
            """, [generationID, progress(finished: 1, of: total + 1), "strategy ready: drawing \(total) slides"])
        return true
    }

    /// A stored slide's image.
    struct StoredImage: Sendable {
        var blobKey: String
        var format: ImageFormat
        var bytes: Int
        var sha256: String
        var provider: String
        var pickedUpAt: Date
        var renderTime: Duration
    }

    /// Records a slide's image; the transaction that records the last slide completes the
    /// generation and charges its credits once. A slide of a generation that is no longer
    /// running, or already recorded, changes nothing.
    ///
    /// One round trip holds two statements: the first locks the generation's row, the second
    /// does the rest. Under `READ COMMITTED` each statement sees what was committed when it
    /// starts, so the second, which starts once the lock is held, counts every slide that an
    /// earlier holder of the lock committed; the slide it records itself is not yet visible
    /// to its own count and is added to it. Its progress is ``progress(finished:of:)`` written in
    /// SQL: the drawn slides plus the strategy, of the slides plus the strategy.
    static func storeSlide(_ image: StoredImage, generationID: String, index: Int, on connection: isolated PostgresConnection) throws {
        try connection.executePipelined([
            PostgresStatement(lockRunningSQL, [generationID]),
            PostgresStatement(
                """
                WITH slide AS (
                    UPDATE carousel_slides SET status = 'completed', blob_key = $3, content_type = $4, width = $5, height = $6,
                        bytes = $7, sha256 = $8, image_provider = $9, picked_up_at = $10, render_ms = $11,
                        completed_at = clock_timestamp()
                    WHERE generation_id = $1::uuid AND slide_index = $2 AND status = 'pending'
                        AND EXISTS (SELECT FROM generation_jobs WHERE id = $1::uuid AND status IN ('pending', 'running'))
                    RETURNING slide_index
                ), drawn AS (
                    SELECT count(*) + (SELECT count(*) FROM slide) AS slides
                    FROM carousel_slides WHERE generation_id = $1::uuid AND status = 'completed'
                ), generation AS (
                    UPDATE generation_jobs g SET
                        status = CASE WHEN drawn.slides >= g.slide_count THEN 'completed' ELSE g.status END,
                        progress_percent = CASE WHEN drawn.slides >= g.slide_count THEN 100
                            ELSE least(99, (drawn.slides + 1) * 100 / (g.slide_count + 1)) END,
                        progress_message = CASE WHEN drawn.slides >= g.slide_count THEN 'all slides drawn'
                            ELSE drawn.slides || ' of ' || g.slide_count || ' slides drawn' END,
                        credits_charged_at = CASE WHEN drawn.slides >= g.slide_count THEN clock_timestamp() ELSE g.credits_charged_at END,
                        completed_at = CASE WHEN drawn.slides >= g.slide_count THEN clock_timestamp() ELSE g.completed_at END,
                        updated_at = clock_timestamp()
                    FROM drawn
                    WHERE g.id = $1::uuid AND g.credits_charged_at IS NULL AND EXISTS (SELECT FROM slide)
                    RETURNING g.user_id, g.credits_cost, g.status
                )
                UPDATE users u SET credits = u.credits - generation.credits_cost
                FROM generation WHERE u.id = generation.user_id AND generation.status = 'completed'
                """,
                [generationID, index, image.blobKey, image.format.contentType, image.format.width, image.format.height, image.bytes,
                 image.sha256, image.provider, image.pickedUpAt, Double(image.renderTime.nanoseconds) / 1e6]),
        ])
    }

    /// Fails a running generation for good, naming the slide and the reason: nothing is
    /// charged, and its reserved credits are free again (only unfinished generations reserve).
    static func fail(_ generationID: String, slide index: Int?, reason: String, on connection: isolated PostgresConnection) throws {
        guard try lockRunning(generationID, on: connection) else { return }
        if let index {
            try connection.execute(
                "UPDATE carousel_slides SET status = 'failed', error = $3 WHERE generation_id = $1::uuid AND slide_index = $2 AND status = 'pending'",
                [generationID, index, reason])
        }
        let message = index.map { "slide \($0): \(reason)" } ?? reason
        try connection.execute(
            """
            UPDATE generation_jobs SET status = 'failed', error_message = $2, progress_message = 'failed',
                completed_at = clock_timestamp(), updated_at = clock_timestamp()
            WHERE id = $1::uuid
            """, [generationID, String(message.prefix(2_000))])
    }

    /// Locks the generation's row if it is still running (pending counts: its strategy may
    /// still be on its way).
    /// - Returns: Whether it is running.
    private static func lockRunning(_ id: String, on connection: isolated PostgresConnection) throws -> Bool {
        !(try connection.query(lockRunningSQL, [id]).isEmpty)
    }

    /// Locks the generation `$1`'s row if it is still running.
    private static let lockRunningSQL = "SELECT FROM generation_jobs WHERE id = $1::uuid AND status IN ('pending', 'running') FOR UPDATE"

    /// Whole percent of `finished` steps out of `total`, below 100 until the end.
    static func progress(finished: Int, of total: Int) -> Int {
        min(99, finished * 100 / max(1, total))
    }
}

extension CarouselStore.Generation {
    /// The columns ``init(_:)`` reads first, of `generation_jobs` as `g`.
    static let columns = "g.tenant_id::text, g.status, g.prompt, g.slide_count, g.style->>'background', g.style->>'accent'"

    /// Reads a row that starts with ``columns``.
    init(_ row: PostgresRow) throws {
        self.init(
            tenantID: try row.decode(String.self, at: 0),
            status: GenerationStatus(rawValue: try row.decode(String.self, at: 1)) ?? .failed,
            prompt: try row.decode(String.self, at: 2), slideCount: try row.decode(Int.self, at: 3),
            background: try row.decode(String?.self, at: 4), accent: try row.decode(String?.self, at: 5))
    }
}
