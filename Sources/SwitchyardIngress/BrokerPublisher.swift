// One publishing connection for the whole ingress, with confirms, re-opened after a failure.

import Metrics
public import ServiceLifecycle
public import SwitchyardAMQP
import SwitchyardCore

/// Publishes with publisher confirms on a shared connection; a failed connection is dropped
/// and the next publish opens a new one (so a broker restart costs the requests during the
/// outage, not the process). As a `Service` it closes its connection when graceful shutdown
/// reaches it: list it before the services that publish through it.
public actor BrokerPublisher: Service {
    private let configuration: AMQPConnection.Configuration
    private var current: (connection: AMQPConnection, channel: AMQPChannel)?
    /// `switchyard_publish_confirm_seconds`: from handing a publish to the broker to its confirm.
    private nonisolated let confirmLatency = Metrics.Timer(label: "switchyard_publish_confirm_seconds")

    /// Creates a publisher; it connects on first use.
    public init(configuration: AMQPConnection.Configuration) {
        var configuration = configuration
        configuration.connectionName = "switchyard ingress"
        self.configuration = configuration
    }

    /// A confirm-mode channel, connecting if there is none.
    private func channel() async throws -> AMQPChannel {
        if let current, current.connection.isOpen { return current.channel }
        if let stale = current { await stale.connection.close() }
        current = nil
        let connection = try await AMQPConnection.connect(configuration)
        do {
            let channel = try await connection.openChannel(confirms: true)
            current = (connection, channel)
            return channel
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Publishes `messages` (pipelined) and returns once the broker confirmed every one.
    /// - Throws: The first ``AMQPError``; the messages before it may have been published.
    public nonisolated func publish(_ messages: [AMQPOutgoingMessage]) async throws {
        for outcome in await publishEach(messages) { try outcome.get() }
    }

    /// Publishes `messages` (pipelined) and reports, for each, whether the broker confirmed it.
    public nonisolated func publishEach(_ messages: [AMQPOutgoingMessage]) async -> [Result<Void, AMQPError>] {
        let open: AMQPChannel
        do {
            open = try await channel()
        } catch {
            let failure = error as? AMQPError ?? AMQPError(.connectionFailed, "\(error)")
            return messages.map { _ in .failure(failure) }
        }
        let started = ContinuousClock.now
        let outcomes = await open.publish(messages)
        confirmLatency.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        return outcomes
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
        if let current { await current.connection.close() }
        current = nil
    }
}
