// One NOTIFY as a listener receives it, and how a connection waits for them.

import CSwitchyardPostgres

/// A notification sent with `NOTIFY channel, 'payload'` or `pg_notify(channel, payload)`.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public let channel: String
    /// The payload (empty when none was given).
    public let payload: String
    /// The process ID of the server backend that sent it.
    public let processID: Int32

    /// Creates a notification.
    /// - Parameters:
    ///   - channel: The channel it was sent on.
    ///   - payload: The payload.
    ///   - processID: The process ID of the sending backend.
    public init(channel: String, payload: String, processID: Int32) {
        self.channel = channel
        self.payload = payload
        self.processID = processID
    }
}

extension PostgresConnection {
    /// Waits up to `timeout` for notifications on the channels this connection LISTENs on and
    /// returns those that arrived (possibly none). Bounded, so other calls on the connection
    /// interleave and the caller can check for cancellation between waits.
    /// - Throws: ``PostgresError/Code/connectionClosed`` when the connection is lost.
    func notifications(waitingUpTo timeout: Duration) throws -> [PostgresNotification] {
        let handle = try openHandle()
        var received = Self.queuedNotifications(of: handle)
        guard received.isEmpty else { return received }
        var socket = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        if poll(&socket, 1, Int32(clamping: milliseconds)) > 0 {
            guard PQconsumeInput(handle) == 1 else { throw connectionError(handle) }
            received = Self.queuedNotifications(of: handle)
        }
        return received
    }

    /// Takes the notifications libpq has already read off the socket.
    private static func queuedNotifications(of handle: OpaquePointer) -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            received.append(PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: String(cString: notify.pointee.extra),
                processID: notify.pointee.be_pid
            ))
            PQfreemem(notify)
        }
        return received
    }
}
