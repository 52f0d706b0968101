// One LISTEN connection per ingress that wakes the Server-Sent Event streams of a subject.

public import Logging
public import ServiceLifecycle
import SwitchyardPostgres
import Synchronization

/// Wakes live-update streams when updates of their subject commit.
///
/// The migrations' triggers append every status change and progress update to `live_updates`
/// and `NOTIFY sy_live, '<subject id>'` in the same transaction; this hub LISTENs on one
/// connection and pokes the streams of that subject, which then read what is new. Streams are
/// also poked every ``heartbeat`` (they re-read and send a keep-alive comment) and all of them
/// after the listening connection was re-established, so a notification lost while it was down
/// delays an update by at most one heartbeat and never loses it. On graceful shutdown every
/// stream ends, so long-lived responses don't hold the server open.
public final class LiveUpdateHub: Service, Sendable {
    /// The channel the triggers notify.
    static let channel = "sy_live"

    /// How often idle streams are poked.
    public let heartbeat: Duration
    private let databaseURL: String
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var nextID = 0
        var streams: [String: [Int: AsyncStream<Void>.Continuation]] = [:]
        var closed = false
    }

    /// Creates the hub; ``run()`` starts listening.
    /// - Parameters:
    ///   - databaseURL: For the LISTEN connection.
    ///   - heartbeat: How often idle streams are poked.
    ///   - logger: Where to log connection trouble.
    public init(databaseURL: String, heartbeat: Duration = .seconds(15), logger: Logger) {
        self.databaseURL = databaseURL
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// Pokes for `subjectID` until the caller stops iterating or the hub shuts down. The
    /// first element is there at once, so the caller reads what already exists first.
    func pokes(for subjectID: String) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        let id = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            state.nextID += 1
            state.streams[subjectID, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.streams[subjectID]?[id] = nil
                if state.streams[subjectID]?.isEmpty == true { state.streams[subjectID] = nil }
            }
        }
        return stream
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.listen() }
                group.addTask {
                    while (try? await Task.sleep(for: self.heartbeat)) != nil { self.poke(nil) }
                }
            }
        }
        close()
    }

    /// LISTENs until cancelled, reconnecting with capped backoff.
    private func listen() async {
        var backoff = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                let listener = try await PostgresListener.listen(url: databaseURL, channels: [Self.channel])
                backoff = .milliseconds(250)
                poke(nil)
                for try await notification in listener.notifications { poke(notification.payload) }
            } catch {
                logger.warning("live updates: LISTEN connection lost; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// Pokes the streams of `subjectID`, or every stream.
    private func poke(_ subjectID: String?) {
        let continuations = state.withLock { state in
            subjectID.map { Array(state.streams[$0, default: [:]].values) } ?? state.streams.values.flatMap(\.values)
        }
        for continuation in continuations { continuation.yield() }
    }

    /// Ends every stream and refuses new ones.
    private func close() {
        let continuations = state.withLock { state in
            state.closed = true
            defer { state.streams = [:] }
            return state.streams.values.flatMap(\.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
