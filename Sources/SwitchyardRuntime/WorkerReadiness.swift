// Whether a worker is consuming now: what its readiness endpoint reports.

import Synchronization

/// Set while a ``WorkerRuntime``'s broker session consumes its queues; cleared when the session
/// ends (a lost connection, while it reconnects) and at shutdown.
public final class WorkerReadiness: Sendable {
    private let consuming = Mutex(false)

    /// Creates a readiness flag, not consuming.
    public init() {}

    /// Whether the worker's broker session consumes now.
    public var isConsuming: Bool { consuming.withLock { $0 } }

    func setConsuming(_ value: Bool) {
        consuming.withLock { $0 = value }
    }
}
