// A loopback port where TCP handshakes never complete, to provoke connection timeouts.

import Synchronization

/// A listener on 127.0.0.1 whose accept queue is filled and never drained: the kernel then drops
/// new connection attempts, so clients hang in the TCP handshake until their connect timeout.
public final class LoopbackStalledListener: Sendable {
    /// The port whose handshakes stall.
    public let port: Int
    private let sockets: Mutex<[LoopbackSocket]>

    /// Listens with the smallest backlog and fills it with connections of its own.
    /// - Throws: ``LoopbackServerError`` if a socket call fails.
    public init() throws {
        let (listener, port) = try LoopbackSocket.listen(backlog: 0)
        var sockets = [listener]
        for _ in 0..<2 {
            sockets.append(try LoopbackSocket.startConnecting(to: port))
        }
        self.port = port
        self.sockets = Mutex(sockets)
    }

    /// Closes the listener and its filler connections.
    public func close() {
        sockets.withLock { sockets in
            sockets.forEach { $0.close() }
            sockets.removeAll()
        }
    }

    deinit {
        close()
    }
}
