// A warning that an outage would otherwise log once per request or message.

public import Logging
import Synchronization

/// A warning logged at most once per ``interval``: while the broker, the database or the blob
/// store is down, or the broker blocks publishing under a disk alarm, every request (or every
/// follow-up, or every usage row) fails the same way, and a line each would flood the log (and
/// fill the disk the alarm is about). The first failure is logged at once; the ones within the
/// interval after it are counted, and the next line logged says how many it held back
/// (`held_back`), so no failure goes uncounted. `count` is what the line's own failure covers (a
/// group's requests, a publish's rows).
public final class ThrottledWarning: Sendable {
    /// The warning's text.
    public let message: Logger.Message
    /// The least time between two lines.
    public let interval: Duration
    private let state = Mutex(State())

    private struct State {
        var lastLogged: ContinuousClock.Instant?
        /// Requests held back since the last line.
        var heldBack = 0
    }

    /// Creates a warning.
    /// - Parameters:
    ///   - message: The warning's text.
    ///   - interval: The least time between two lines.
    public init(_ message: Logger.Message, interval: Duration = .seconds(5)) {
        self.message = message
        self.interval = interval
    }

    /// Logs the warning for `count` failures, or counts them into the next line.
    /// - Parameters:
    ///   - logger: Where to log.
    ///   - count: How many things failed this way (a group's refused requests, a publish's rows).
    ///   - metadata: This failure's details (its error), made only when the line is logged.
    public func log(to logger: Logger, count: Int = 1, metadata: @autoclosure () -> Logger.Metadata) {
        let now = ContinuousClock.now
        let heldBack = state.withLock { state -> Int? in
            if let last = state.lastLogged, now < last + interval {
                state.heldBack += count
                return nil
            }
            state.lastLogged = now
            defer { state.heldBack = 0 }
            return state.heldBack
        }
        guard let heldBack else { return }
        var metadata = metadata()
        metadata["count"] = "\(count)"
        if heldBack > 0 { metadata["held_back"] = "\(heldBack)" }
        logger.warning(message, metadata: metadata)
    }
}
