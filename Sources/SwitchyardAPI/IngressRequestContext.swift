// The request context of every ingress route: Hummingbird's core context and the client's
// address, which failed-authentication limits are counted against.

public import Hummingbird
public import NIOCore

/// Hummingbird's per-request context with the connected client's address.
public struct IngressRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's core context storage.
    public var coreContext: CoreRequestContextStorage
    /// The connected client's socket address.
    public let remoteAddress: SocketAddress?
    /// The client's connection, for answers that write as fast as it takes them
    /// (``APIResponse/json(_:status:holding:draining:floor:)``).
    public let channel: any Channel

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The client's IP address (without the port), or `unknown`.
    public var clientAddress: String {
        Self.text(of: remoteAddress)
    }

    /// `address`'s IP address as text, as ``SocketAddress/ipAddress`` has it, or `unknown`. An
    /// IPv4 address is written here: NIO's goes through `inet_ntop`, about 2,900 instructions,
    /// and every request that is checked against the failed-authentication limit asks for it.
    public static func text(of address: SocketAddress?) -> String {
        guard case .v4(let ipv4) = address else { return address?.ipAddress ?? "unknown" }
        var text: [UInt8] = []
        text.reserveCapacity(15)
        // A `sockaddr_in` is the family (2 bytes), the port (2), then the address's 4 bytes in
        // network order (its fields are out of reach here: NIO's C module declares them).
        withUnsafeBytes(of: ipv4.address) { socketAddress in
            for (index, octet) in socketAddress[4..<8].enumerated() {
                if index > 0 { text.append(UInt8(ascii: ".")) }
                if octet >= 100 { text.append(UInt8(ascii: "0") + octet / 100) }
                if octet >= 10 { text.append(UInt8(ascii: "0") + octet / 10 % 10) }
                text.append(UInt8(ascii: "0") + octet % 10)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
