// The in-process path from a commit that wrote outbox rows to the relay that publishes them.

/// Wakes this process's ``OutboxRelay`` as soon as a ``Committer`` has committed follow-ups,
/// without waiting for `NOTIFY sy_outbox` to come back from the database (which still wakes
/// relays in other processes).
public final class OutboxSignal: Sendable {
    let wakeUp = WakeUp()

    /// Creates a signal; give the same one to the committer and the relay of a process.
    public init() {}

    /// Says that committed rows wait in the outbox.
    public func poke() {
        wakeUp.poke()
    }
}
