// The in-process path from a worker that gave follow-ups back to the relay that publishes them.

/// Wakes this process's ``OutboxRelay`` as soon as rows wait for it (follow-ups this process's
/// worker gave back, not having published them), without a `NOTIFY sy_outbox` round trip.
public final class OutboxSignal: Sendable {
    let wakeUp = WakeUp()

    /// Creates a signal; give the same one to the committer and the relay of a process.
    public init() {}

    /// Says that committed rows wait in the outbox.
    public func poke() {
        wakeUp.poke()
    }
}
