// The POSIX socket calls of the loopback test server, each bounded by short polls.

import Glibc

/// One TCP socket of ``LoopbackHTTPServer``: every wait is a poll of at most 50 ms, after which
/// `shouldStop` is asked, so no call outlives the server.
struct LoopbackSocket {
    /// The file descriptor.
    let descriptor: Int32

    /// A listening socket on 127.0.0.1 with a port the kernel picked.
    /// - Parameter backlog: How many connections may wait to be accepted.
    /// - Returns: The socket and its port.
    static func listen(backlog: Int32 = 128) throws -> (socket: LoopbackSocket, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackServerError(call: "socket") }
        let socket = LoopbackSocket(descriptor: descriptor)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound, Glibc.listen(descriptor, backlog) == 0 else {
            let error = LoopbackServerError(call: "bind/listen")
            socket.close()
            throw error
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Starts connecting to `port` on 127.0.0.1 without waiting for the handshake.
    static func startConnecting(to port: Int) throws -> LoopbackSocket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackServerError(call: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 || errno == EINPROGRESS else {
            let error = LoopbackServerError(call: "connect")
            _ = Glibc.close(descriptor)
            throw error
        }
        return LoopbackSocket(descriptor: descriptor)
    }

    /// Waits up to 50 ms for `events`; whether any arrived.
    func poll(_ events: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(events), revents: 0)
        return Glibc.poll(&entry, 1, 50) > 0
    }

    /// Accepts a waiting connection, if one arrived within 50 ms.
    func accept() -> LoopbackSocket? {
        guard poll(POLLIN) else { return nil }
        let connection = Glibc.accept(descriptor, nil, nil)
        return connection >= 0 ? LoopbackSocket(descriptor: connection) : nil
    }

    /// Reads what arrived within 50 ms: bytes, an empty array if nothing yet, `nil` once the
    /// peer has closed or the connection failed.
    func receive() -> [UInt8]? {
        guard poll(POLLIN) else { return [] }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(chunk[..<count]) : nil
    }

    /// Whether the peer has closed its side (a read would return end of file).
    func peerHasClosed() -> Bool {
        guard poll(POLLIN) else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    /// Sends all of `bytes`, giving up when the peer is gone or `shouldStop` says so.
    /// - Returns: How many bytes went out; fewer than `bytes.count` means it gave up.
    func send(_ bytes: some Collection<UInt8>, shouldStop: () -> Bool) -> Int {
        let bytes = Array(bytes)
        var sent = 0
        while sent < bytes.count, !shouldStop() {
            guard poll(POLLOUT) else { continue }
            let count = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if count < 0, errno != EAGAIN, errno != EINTR {
                break
            }
            sent += max(count, 0)
        }
        return sent
    }

    /// Closes the descriptor.
    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// A socket call of ``LoopbackHTTPServer`` failed.
public struct LoopbackServerError: Error, CustomStringConvertible {
    /// The failed call and the system's reason.
    public let description: String

    init(call: String) {
        description = "\(call): \(String(cString: strerror(errno)))"
    }
}
