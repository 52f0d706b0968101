// A host and port an outbound policy lets through whatever addresses the host has.

/// A `host:port` pair on an ``OutboundPolicy``'s allow list: a URL for exactly this host and
/// port may connect to every address the host resolves to, private ones included.
///
/// Host names compare without regard to ASCII case or one trailing dot; an address host is
/// kept in its canonical text form (an IPv6 one without brackets), so `[0:0::1]` is `::1`.
public struct OutboundEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The host name (lowercased, without trailing dot) or address (canonical, without brackets).
    public let host: String
    /// The port, 1...65535.
    public let port: Int

    /// Creates an endpoint.
    /// - Parameters:
    ///   - host: A host name, an IPv4 address or an IPv6 address (brackets optional).
    ///   - port: 1...65535.
    /// - Returns: `nil` for an empty host, one with characters no host name has, or a port out of range.
    public init?(host: String, port: Int) {
        let normalized = Self.normalize(host)
        guard (1...65_535).contains(port), !normalized.isEmpty,
            normalized.contains(":") ? IPAddress(normalized) != nil : normalized.utf8.allSatisfy(Self.isHostNameByte)
        else { return nil }
        self.host = normalized
        self.port = port
    }

    /// Whether a URL for `host` and `port` is this endpoint.
    /// - Parameters:
    ///   - host: The URL's host as libcurl reads it (brackets and case as written).
    ///   - port: The URL's port, the scheme's default if it names none.
    public func matches(host: String, port: Int) -> Bool {
        port == self.port && Self.normalize(host) == self.host
    }

    /// `host:port`, IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func normalize(_ host: String) -> String {
        var text = Substring(host.lowercased())
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = text.dropFirst().dropLast()
        }
        if text.hasSuffix(".") {
            text = text.dropLast()
        }
        return IPAddress(String(text))?.description ?? String(text)
    }

    private static func isHostNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
