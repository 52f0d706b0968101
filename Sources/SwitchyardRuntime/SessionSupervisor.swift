// The one reconnect loop: run a session, and after it fails wait a capped backoff that grows
// while sessions keep failing and resets once one has lived long enough.

public import Logging
import ServiceLifecycle

/// Runs a long-lived session (connections to the broker and the database, and the work done
/// on them) again after each failure, until graceful shutdown.
///
/// The wait after a failure starts at ``initialBackoff``, doubles with each failure up to
/// ``maxBackoff``, and starts over once a session has run for ``healthyAfter``: a process that
/// reconnects after a broker restart gets back quickly the next time too.
public struct SessionSupervisor: Sendable {
    /// What the sessions are, for the log (`worker`, `outbox relay`, ...).
    public var name: String
    /// The first wait after a failure.
    public var initialBackoff: Duration
    /// The longest wait.
    public var maxBackoff: Duration
    /// How long a session must have run for its failure to start the backoff over.
    public var healthyAfter: Duration
    let logger: Logger

    /// Creates a supervisor.
    public init(
        name: String, initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(10),
        healthyAfter: Duration = .seconds(30), logger: Logger
    ) {
        self.name = name
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.healthyAfter = healthyAfter
        self.logger = logger
    }

    /// Runs `session` until it returns or graceful shutdown: a session that throws is started
    /// again after the backoff. Graceful shutdown triggers the stop signal the session gets; a
    /// session that returns means the work is done.
    /// - Parameter session: One session; it should return soon after `stop` fires.
    public func run(_ session: @escaping @Sendable (StopSignal) async throws -> Void) async {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            await supervise(until: stop, session)
        } onGracefulShutdown: {
            stop.trigger()
        }
    }

    /// The loop itself, stopped by `stop` (for callers that have their own shutdown handling).
    func supervise(until stop: StopSignal, _ session: @escaping @Sendable (StopSignal) async throws -> Void) async {
        var backoff = initialBackoff
        while !stop.isTriggered && !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await session(stop)
                return
            } catch {
                if ContinuousClock.now - started >= healthyAfter { backoff = initialBackoff }
                logger.warning("\(name) session ended; reconnecting", metadata: [
                    "error": "\(error)", "backoff_ms": "\(backoff / .milliseconds(1))",
                ])
            }
            await stop.sleep(for: backoff)
            backoff = min(backoff * 2, maxBackoff)
        }
    }
}
