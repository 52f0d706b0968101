// The public handle of one AMQP connection: connect, open channels, close.

/// One AMQP 0-9-1 connection to RabbitMQ, driven by a thread of its own.
///
/// rabbitmq-c connections are blocking and single-threaded, so each `AMQPConnection` owns a
/// dedicated thread that runs every C call: publishes, acks and RPCs are queued to it, and it
/// reads deliveries, confirms and heartbeats in between. Nothing blocks Swift's cooperative
/// thread pool, and any number of tasks may use the connection and its channels at once.
/// Publish and consume on separate connections, so that a consumer's flow control never
/// slows publishing.
///
/// ```swift
/// let connection = try await AMQPConnection.connect(url: "amqp://guest:guest@127.0.0.1:5672/%2F")
/// let channel = try await connection.openChannel(confirms: true)
/// try await channel.publish(body, exchange: "sy.events", routingKey: "probe.run")
/// await connection.close()
/// ```
public final class AMQPConnection: Sendable {
    let loop: ConnectionLoop

    /// The settings this connection was opened with.
    public var configuration: Configuration { loop.configuration }

    private init(loop: ConnectionLoop) {
        self.loop = loop
    }

    deinit {
        let loop = loop
        try? loop.submit(.perform { $0.closeByClient() })
    }

    /// Connects and logs in.
    /// - Parameter configuration: Where and how to connect.
    /// - Throws: ``AMQPError`` with code `connectionFailed` or `accessRefused`.
    public static func connect(_ configuration: Configuration) async throws -> AMQPConnection {
        let loop = ConnectionLoop(configuration: configuration)
        try await loop.start()
        return AMQPConnection(loop: loop)
    }

    /// Connects to an `amqp://` URL.
    /// - Parameters:
    ///   - url: `amqp://user:password@host:port/vhost`.
    ///   - connectionName: The name the management UI shows for this connection.
    /// - Throws: ``AMQPError`` for a bad URL or a failed connection.
    public static func connect(url: String, connectionName: String? = nil) async throws -> AMQPConnection {
        try await connect(Configuration(url: url, connectionName: connectionName))
    }

    /// Whether the connection is still open. A connection closed by the broker, lost, or
    /// closed by ``close()`` never reopens: connect anew.
    public var isOpen: Bool { loop.isOpen }

    /// Why the broker blocks this connection's publishes (`connection.blocked`, a resource
    /// alarm: `low on memory`, `low on disk`), while it does; nil otherwise, and once the
    /// connection is closed. The broker reads
    /// nothing more from a blocked connection that publishes, so a publish would wait until the
    /// alarm clears (or its confirm timeout or ``Configuration/blockedConfirmWait`` passes). It
    /// tells connections that have published.
    public var blockedReason: String? { loop.blockedReason }

    /// Opens a channel.
    /// - Parameter confirms: Put the channel in publisher-confirm mode, so that each publish
    ///   returns only once the broker has taken responsibility for the message.
    /// - Throws: ``AMQPError`` when the connection is closed or the broker refuses.
    public func openChannel(confirms: Bool = false) async throws -> AMQPChannel {
        let number = try await loop.call { loop throws(AMQPError) in try loop.openNewChannel(confirms: confirms) }
        return AMQPChannel(connection: self, number: number)
    }

    /// Closes the connection: consumers end, unconfirmed publishes fail, unacked deliveries
    /// return to their queues. Safe to call more than once.
    ///
    /// Returns within about five seconds also when the broker doesn't answer: the close waits
    /// that long for its `close-ok`, and a connection still waiting for another answer then
    /// (a consume on a stalled queue, see ``Configuration/rpcTimeout``) has its socket shut
    /// down, which fails that method at once.
    public func close() async {
        let loop = loop
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await loop.call { loop throws(AMQPError) in loop.closeByClient() } }
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(ConnectionLoop.closeTimeout))) != nil else { return }
                loop.shutDownSocket()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
