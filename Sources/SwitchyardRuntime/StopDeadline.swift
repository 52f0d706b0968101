// The bound on a graceful stop: a process whose stop waits for a database that doesn't answer
// ends anyway, saying so, instead of waiting until it is killed.

import Foundation
public import Logging
public import ServiceLifecycle

/// Ends the process with status 1 when a graceful stop (SIGTERM, SIGINT) is still under way
/// `limit` after it began.
///
/// Every wait of a stop has its own bound except one: a libpq call to a server that is up but
/// answers nothing (its disk hangs, or it is stopped) waits as long as the server does, and no
/// task can be cancelled out of it. What is left then is what a kill leaves: deliveries not
/// acknowledged go back to their queues when the connections drop, and an open transaction
/// rolls back; the inboxes absorb the redelivery.
///
/// List it last in a `ServiceGroup`: graceful shutdown reaches the last service first, and this
/// one starts its timer and returns at once.
public struct StopDeadline: Service {
    /// How long a stop may take.
    public var limit: Duration
    let logger: Logger

    /// Creates the deadline.
    /// - Parameters:
    ///   - limit: How long a stop may take, from its signal.
    ///   - logger: Where the process says that it ends.
    public init(limit: Duration, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// How long a stop may take beyond a worker's grace period, or in all for the ingress and
    /// the relay: the stop's own bounds (5 s for follow-ups' confirms, 10 s for the relay's
    /// publish, 5 s for each connection's close) and a margin.
    public static let margin = Duration.seconds(30)

    public func run() async throws {
        guard (try? await gracefulShutdown()) != nil else { return }
        let limit = limit
        let logger = logger
        DispatchQueue.global().asyncAfter(deadline: .now() + Double(limit / .milliseconds(1)) / 1_000) {
            logger.error("the stop did not finish in time; exiting with status 1 (unacknowledged deliveries return to their queues)", metadata: [
                "limit_ms": "\(limit / .milliseconds(1))",
            ])
            exit(1)
        }
    }
}
