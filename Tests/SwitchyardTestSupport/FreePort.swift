// A free TCP port for a server a test starts.

import Foundation
import Testing

/// A TCP port on loopback that was free a moment ago (bound, read, released).
public func freeLoopbackPort() throws -> Int {
    let (socket, port) = try boundLoopbackSocket()
    close(socket)
    return port
}

/// A TCP socket bound to a free loopback port, for a listener of the test's own.
/// - Returns: The socket (the caller closes it) and its port.
public func boundLoopbackSocket() throws -> (socket: Int32, port: Int) {
    let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
        }
    }
    if !bound { close(socket) }
    try #require(bound, "could not bind a loopback port")
    return (socket, Int(UInt16(bigEndian: address.sin_port)))
}
