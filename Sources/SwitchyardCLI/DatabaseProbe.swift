// A quick look at whether the database answers, for readiness endpoints.

import SwitchyardPostgres

/// Opens a connection of its own (so a busy pool can't make the probe wait) and runs `SELECT 1`.
enum DatabaseProbe {
    /// What failed, or nil when the database answered within `limit`. A connect that hangs is
    /// left to finish on its own; the answer comes at `limit`.
    static func failure(url: String, within limit: Duration) async -> String? {
        let (answers, continuation) = AsyncStream.makeStream(of: String?.self)
        Task { continuation.yield(await check(url)) }
        let timer = Task {
            try? await Task.sleep(for: limit)
            continuation.yield("no answer within \(limit)")
        }
        var iterator = answers.makeAsyncIterator()
        let first = await iterator.next() ?? nil
        continuation.finish()
        timer.cancel()
        return first
    }

    private static func check(_ url: String) async -> String? {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(url: url)
        } catch {
            return "\(error)"
        }
        do {
            _ = try await connection.query("SELECT 1")
            await connection.close()
            return nil
        } catch {
            await connection.close()
            return "\(error)"
        }
    }
}
