// One publishing connection for the whole ingress, with confirms, re-opened after a failure.

import Metrics
public import ServiceLifecycle
public import SwitchyardAMQP
import SwitchyardCore
import Synchronization

/// Publishes with publisher confirms on a shared connection. A failed connection is dropped
/// and a new one opened (to any node of a cluster that answers); every publish that was in
/// flight and unconfirmed when the connection went is sent again on the new one, with the same
/// message id (consumers' inboxes absorb a copy the broker had already taken), for up to
/// ``resendWindow``. As a `Service` it closes its connection when graceful shutdown reaches it:
/// list it before the services that publish through it.
public actor BrokerPublisher: Service {
    private let configuration: AMQPConnection.Configuration
    /// The open connection and its confirm channel. Publishes read it without entering the
    /// actor (no hop to it per publish); only the actor changes it.
    private nonisolated let current = Mutex<(connection: AMQPConnection, channel: AMQPChannel)?>(nil)
    private var closed = false
    /// How long a publish keeps being sent again after connections are lost.
    public nonisolated let resendWindow: Duration
    /// `switchyard_publish_confirm_seconds`: from handing a publish to the broker to its confirm.
    private nonisolated let confirmLatency = Metrics.Timer(label: "switchyard_publish_confirm_seconds")
    /// `switchyard_publish_resent_total`: publishes sent again after their connection was lost.
    private nonisolated let resent = Counter(label: "switchyard_publish_resent_total")
    /// `switchyard_broker_blocked`: 1 while the broker blocks publishing, set at each scrape.
    private nonisolated let blocked = Gauge(label: "switchyard_broker_blocked")

    /// How long publishes sent before the broker blocked the connection may still wait for
    /// their confirms: the broker confirms what it took before the block as usual, in
    /// milliseconds, and nothing after it until the alarm clears.
    public static let blockedConfirmWait = Duration.milliseconds(500)

    /// Creates a publisher; it connects on first use.
    /// - Parameters:
    ///   - configuration: The broker's connection settings (one node or a cluster's nodes).
    ///   - resendWindow: How long a publish whose connection was lost keeps being sent again.
    ///   - confirmTimeout: How long a publish waits for its confirm before it fails with
    ///     ``AMQPError/Code/confirmTimeout`` (not sent again: the broker has it or will drop it).
    ///     Once the broker has blocked the connection (a resource alarm), publishes still
    ///     unconfirmed after ``blockedConfirmWait`` (or the timeout, if shorter) fail with
    ///     ``AMQPError/Code/blocked`` instead of waiting out the timeout.
    public init(
        configuration: AMQPConnection.Configuration, resendWindow: Duration = .seconds(10), confirmTimeout: Duration = .seconds(5)
    ) {
        var configuration = configuration
        configuration.connectionName = "switchyard ingress"
        configuration.confirmTimeout = confirmTimeout
        configuration.blockedConfirmWait = min(confirmTimeout, Self.blockedConfirmWait)
        self.configuration = configuration
        self.resendWindow = resendWindow
    }

    /// The open confirm-mode channel, read on the caller's executor; the actor connects when
    /// there is none.
    private nonisolated(nonsending) func openChannel() async throws -> AMQPChannel {
        if let open = current.withLock({ $0 }), open.connection.isOpen { return open.channel }
        return try await channel()
    }

    /// A confirm-mode channel, connecting if there is none.
    private func channel() async throws -> AMQPChannel {
        if closed { throw AMQPError(.connectionClosed, "the publisher is closed") }
        let existing = current.withLock { $0 }
        if let existing, existing.connection.isOpen { return existing.channel }
        if let stale = existing { await stale.connection.close() }
        current.withLock { $0 = nil }
        let connection = try await AMQPConnection.connect(configuration)
        do {
            let channel = try await connection.openChannel(confirms: true)
            current.withLock { $0 = (connection, channel) }
            return channel
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Drops the connection of `channel` if it is still the current one (it lost publishes).
    private func discard(_ channel: AMQPChannel) async {
        let dropped = current.withLock { current -> AMQPConnection? in
            guard let open = current, open.channel === channel else { return nil }
            current = nil
            return open.connection
        }
        await dropped?.close()
    }

    /// Publishes `messages` (pipelined) and returns once the broker confirmed every one.
    /// - Throws: The first ``AMQPError``; the messages before it may have been published.
    public nonisolated(nonsending) func publish(_ messages: [AMQPOutgoingMessage]) async throws {
        for outcome in await publishEach(messages) { try outcome.get() }
    }

    /// Publishes `messages` (pipelined) and reports, for each, whether the broker confirmed it.
    /// Those whose connection was lost before their confirm are sent again on a new connection
    /// (to any node that answers) until confirmed or refused, for up to ``resendWindow``; when
    /// no node answers, they fail at once, and so they do (``AMQPError/Code/blocked``, not
    /// sent) while the broker blocks the connection under a resource alarm; those it blocked
    /// unconfirmed fail with `blocked` ``blockedConfirmWait`` after the block. Runs on the
    /// caller's executor, where the confirms resume it (a transaction's connection thread, in
    /// the ingress).
    public nonisolated(nonsending) func publishEach(_ messages: [AMQPOutgoingMessage]) async -> [Result<Void, AMQPError>] {
        var outcomes = [Result<Void, AMQPError>](
            repeating: .failure(AMQPError(.connectionClosed, "not published")), count: messages.count)
        var pending = Array(messages.indices)
        let deadline = ContinuousClock.now + resendWindow
        while true {
            let open: AMQPChannel
            do {
                open = try await openChannel()
            } catch {
                let failure = error as? AMQPError ?? AMQPError(.connectionFailed, "\(error)")
                for index in pending { outcomes[index] = .failure(failure) }
                return outcomes
            }
            // Under a resource alarm the broker would read none of it: refuse at once rather
            // than hold the caller for the confirm timeout.
            if let reason = open.connection.blockedReason {
                let blocked = AMQPError(.blocked, "the broker blocks publishing (\(reason)); nothing was sent")
                for index in pending { outcomes[index] = .failure(blocked) }
                return outcomes
            }
            let started = ContinuousClock.now
            let results = await open.publish(pending.map { messages[$0] })
            confirmLatency.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
            for (index, result) in zip(pending, results) { outcomes[index] = result }
            pending = pending.filter { index in
                if case .failure(let error) = outcomes[index] { return error.code == .connectionClosed }
                return false
            }
            guard !pending.isEmpty, ContinuousClock.now < deadline, !Task.isCancelled else { return outcomes }
            await discard(open)
            resent.increment(by: pending.count)
        }
    }

    /// Why the broker blocks publishing on the open connection (a resource alarm), while it
    /// does: publishes then fail at once with ``AMQPError/Code/blocked``.
    public nonisolated var blockedReason: String? {
        current.withLock { $0?.connection.blockedReason }
    }

    /// Sets `switchyard_broker_blocked` (1 while ``blockedReason`` is set, else 0), before the
    /// metrics are read.
    public nonisolated func recordBlocked() {
        blocked.record(blockedReason == nil ? 0 : 1)
    }

    /// Whether the broker can be reached now (for readiness).
    public func isReachable() async -> Bool {
        (try? await channel()) != nil
    }

    /// Waits for graceful shutdown (or cancellation), then closes the connection.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes the connection.
    public func close() async {
        closed = true
        let open = current.withLock { current in defer { current = nil }; return current }
        await open?.connection.close()
    }
}
