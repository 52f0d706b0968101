// One connection per ingress that wakes the Server-Sent Event streams of a subject.

import Foundation
public import Logging
public import ServiceLifecycle
import SwitchyardCore
import SwitchyardPostgres
import Synchronization

/// Wakes live-update streams when updates of their subject commit.
///
/// The migrations' triggers append every status change and progress update to `live_updates`,
/// numbered per subject; this hub asks, on one connection of its own and every
/// ``pollInterval`` while any stream is open, for the last number of each subject that has a
/// stream, and pokes the streams of the subjects whose number grew, which then read what is
/// new. Streams are also poked every ``heartbeat`` (they re-read and send a keep-alive comment)
/// and all of them after the hub's connection was re-established, so an update committed while
/// it was down is read at once when it is back and never lost.
///
/// The triggers don't `NOTIFY`: a transaction that notifies takes a lock of the whole database
/// server at its commit and holds it through the commit's write-ahead-log flush, so every
/// status change of the fleet would commit one at a time. What the hub costs instead grows with
/// the streams open, not with the fleet's writes: one indexed look-up per followed subject per
/// poll; while no stream is open it neither queries nor wakes for them. On graceful shutdown
/// every stream ends, so long-lived responses don't hold the server open.
public final class LiveUpdateHub: Service, Sendable {
    /// How often idle streams are poked.
    public let heartbeat: Duration
    /// How often the followed subjects are checked for new updates while a stream is open.
    public let pollInterval: Duration
    private let databaseURL: String
    private let logger: Logger
    private let state = Mutex(State())
    /// Told when a stream opens while none was: the polls wait for it instead of waking every
    /// ``pollInterval`` for nothing.
    private let firstStream = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    private struct State {
        var nextID = 0
        var streams: [String: [Int: AsyncStream<Void>.Continuation]] = [:]
        var closed = false
    }

    /// Creates the hub; ``run()`` starts following.
    /// - Parameters:
    ///   - databaseURL: For the hub's own connection; its user must see every tenant's
    ///     `live_updates` (the fleet's user does).
    ///   - settings: How often idle streams are poked and followed subjects checked.
    ///   - logger: Where to log connection trouble.
    public init(databaseURL: String, settings: LiveUpdateSettings = LiveUpdateSettings(), logger: Logger) {
        self.databaseURL = databaseURL
        self.heartbeat = settings.heartbeat
        self.pollInterval = settings.pollInterval
        self.logger = logger
    }

    /// Pokes for `subjectID` until the caller stops iterating or the hub shuts down. The
    /// first element is there at once, so the caller reads what already exists first.
    func pokes(for subjectID: String) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        let (id, first) = state.withLock { state -> (Int?, Bool) in
            guard !state.closed else { return (nil, false) }
            let first = state.streams.isEmpty
            state.nextID += 1
            state.streams[subjectID, default: [:]][state.nextID] = continuation
            return (state.nextID, first)
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        if first { firstStream.continuation.yield() }
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
                group.addTask { await self.follow() }
                group.addTask {
                    while (try? await Task.sleep(for: self.heartbeat)) != nil { self.poke(nil) }
                }
            }
        }
        close()
    }

    /// Polls the followed subjects until cancelled, reconnecting with capped backoff; while no
    /// stream is open it waits for one.
    private func follow() async {
        var backoff = Duration.milliseconds(250)
        var streamOpened = firstStream.stream.makeAsyncIterator()
        while !Task.isCancelled {
            var connection: PostgresConnection?
            do {
                let open = try await PostgresConnection.connect(url: databaseURL)
                connection = open
                poke(nil)
                var heads = LiveUpdateHeads()
                while !Task.isCancelled {
                    let subjects = state.withLock { Array($0.streams.keys) }
                    if subjects.isEmpty {
                        // A stream opened since the last look left its signal buffered.
                        guard await streamOpened.next() != nil else { throw CancellationError() }
                        continue
                    }
                    for subject in try await heads.advanced(subjects, on: open) { poke(subject) }
                    // Reset only once a poll worked, so a connection that opens and then fails
                    // at once is retried with backoff too.
                    backoff = .milliseconds(250)
                    try await Task.sleep(for: pollInterval)
                }
            } catch is CancellationError {
                // The hub is stopping.
            } catch {
                logger.warning("live updates: no database connection; reconnecting", metadata: ["error": "\(error)"])
            }
            await connection?.close()
            guard (try? await Task.sleep(for: backoff)) != nil else { return }
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
        firstStream.continuation.finish()
    }
}
