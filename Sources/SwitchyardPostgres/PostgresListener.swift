// LISTEN on a connection of its own and hand the notifications out as an async stream.

/// Receives `NOTIFY` notifications on a connection (and thread) of its own.
///
/// ``listen(url:channels:pollInterval:)`` connects and runs `LISTEN` for each channel before
/// it returns, so a notification sent afterwards is delivered. A task then waits on the
/// connection's socket in short polls (so it notices cancellation and ``close()`` quickly) and
/// yields what arrives to ``notifications``. Ending the stream — by ``close()``, by the
/// consumer breaking out of its loop or being cancelled — closes the connection. A lost
/// connection finishes the stream with a ``PostgresError``; listening again is the caller's
/// choice.
///
/// ```swift
/// let listener = try await PostgresListener.listen(url: url, channels: ["jobs"])
/// for try await notification in listener.notifications {
///     print(notification.channel, notification.payload)
/// }
/// ```
///
/// To send, any connection runs `SELECT pg_notify($1, $2)`.
public final class PostgresListener: Sendable {
    /// The notifications, in the order the server sent them.
    public let notifications: AsyncThrowingStream<PostgresNotification, any Error>
    private let pump: Task<Void, Never>

    private init(notifications: AsyncThrowingStream<PostgresNotification, any Error>, pump: Task<Void, Never>) {
        self.notifications = notifications
        self.pump = pump
    }

    /// Connects, LISTENs on `channels` and starts delivering their notifications.
    /// - Parameters:
    ///   - url: A libpq connection string, as for ``PostgresConnection/connect(url:)``.
    ///   - channels: The channel names, exactly as senders spell them (case matters).
    ///   - pollInterval: The longest single wait on the socket; bounds how long cancellation
    ///     and ``close()`` take to be noticed.
    /// - Returns: The listener, already listening.
    /// - Throws: ``PostgresError`` when connecting or a `LISTEN` fails.
    public static func listen(
        url: String,
        channels: [String],
        pollInterval: Duration = .milliseconds(200)
    ) async throws -> PostgresListener {
        let connection = try await PostgresConnection.connect(url: url)
        do {
            for channel in channels {
                try await connection.executeScript("LISTEN \(quotedIdentifier(channel))")
            }
        } catch {
            await connection.close()
            throw error
        }
        let (notifications, continuation) = AsyncThrowingStream.makeStream(of: PostgresNotification.self)
        let pump = Task {
            do {
                while !Task.isCancelled {
                    for notification in try await connection.notifications(waitingUpTo: pollInterval) {
                        continuation.yield(notification)
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            await connection.close()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return PostgresListener(notifications: notifications, pump: pump)
    }

    /// Stops listening: ends ``notifications`` and closes the connection before returning.
    public func close() async {
        pump.cancel()
        await pump.value
    }

    /// `name` as a quoted SQL identifier (`"name"`, inner quotes doubled).
    private static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}
