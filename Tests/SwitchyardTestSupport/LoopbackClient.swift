// A raw TCP client for tests of how a server treats a connection (idle, half a request).

/// One TCP connection to a loopback port that sends what it is told, byte for byte.
public struct LoopbackClient: Sendable {
    private let socket: LoopbackSocket

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) throws {
        socket = try LoopbackSocket.startConnecting(to: port)
    }

    /// Sends `text` as it is (for example half a request head).
    /// - Returns: Whether all of it went out within a second.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let deadline = ContinuousClock.now + .seconds(1)
        return socket.send(Array(text.utf8), shouldStop: { ContinuousClock.now > deadline }) == text.utf8.count
    }

    /// Waits until the server closes the connection, reading (and dropping) whatever it sends.
    /// - Returns: Whether it closed within `timeout`.
    public func waitForClose(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if socket.receive() == nil { return true }
            await Task.yield()
        }
        return false
    }

    /// Reads everything the server sends until it closes the connection.
    /// - Returns: The bytes, or `nil` if the server kept the connection open past `timeout`.
    public func receiveUntilClose(timeout: Duration) async -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while ContinuousClock.now < deadline {
            guard let bytes = socket.receive() else { return received }
            received += bytes
            await Task.yield()
        }
        return nil
    }

    /// Reads until at least `count` bytes have come, then stops reading: what the server sends
    /// after them waits in the sockets' buffers.
    /// - Returns: The bytes read, or `nil` if fewer came within `timeout` or the server closed.
    public func receive(atLeast count: Int, timeout: Duration) async -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while received.count < count, ContinuousClock.now < deadline {
            guard let bytes = socket.receive() else { return nil }
            received += bytes
            await Task.yield()
        }
        return received.count >= count ? received : nil
    }

    /// Closes the connection.
    public func close() {
        socket.close()
    }
}
