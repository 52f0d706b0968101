// An IPv4 or IPv6 address as bytes: strict parsing, text form, the IPv4 address inside an IPv6 one.

import Glibc

/// An IPv4 or IPv6 address, kept as its bytes in network order.
///
/// Parsing is strict (`inet_pton`): IPv4 only as four decimal numbers (`127.0.0.1`, not
/// `127.1`, `0x7f.0.0.1` or `2130706433`), IPv6 in any RFC 4291 text form without brackets or
/// zone. Equal addresses compare equal whatever text they came from.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, most significant first.
    public let bytes: [UInt8]

    /// Creates an address from its bytes.
    /// - Parameter bytes: 4 bytes (IPv4) or 16 (IPv6), in network order; other counts give `nil`.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses an address's text form.
    /// - Parameter text: `a.b.c.d` or an IPv6 address such as `::1` or `::ffff:10.0.0.1`.
    public init?(_ text: String) {
        for (family, count) in [(AF_INET, 4), (AF_INET6, 16)] {
            var buffer = [UInt8](repeating: 0, count: count)
            if inet_pton(family, text, &buffer) == 1 {
                self.bytes = buffer
                return
            }
        }
        return nil
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv6 address stands for: the last 4 bytes of an IPv4-mapped
    /// (`::ffff:0:0/96`) or NAT64 (`64:ff9b::/96`) address; `nil` for every other address.
    public var embeddedIPv4: IPAddress? {
        guard !isIPv4, Self.ipv4Mapped.contains(self) || Self.nat64.contains(self) else { return nil }
        return IPAddress(bytes: Array(bytes[12...]))
    }

    /// The usual text form: dotted decimal for IPv4, RFC 5952 for IPv6 (`::1`, `::ffff:127.0.0.1`).
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(isIPv4 ? AF_INET : AF_INET6, bytes, &text, socklen_t(text.count)) != nil else {
            return bytes.map { "\($0)" }.joined(separator: ".")
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `::ffff:0:0/96`.
    static let ipv4Mapped = IPNetwork(IPAddress(bytes: Array(repeating: 0, count: 10) + [0xFF, 0xFF, 0, 0, 0, 0])!, prefixLength: 96)!
    /// `64:ff9b::/96`, the well-known NAT64 prefix.
    static let nat64 = IPNetwork(IPAddress(bytes: [0, 0x64, 0xFF, 0x9B] + Array(repeating: 0, count: 12))!, prefixLength: 96)!
}
