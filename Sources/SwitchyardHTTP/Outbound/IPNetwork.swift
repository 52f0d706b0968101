// A CIDR block: an address prefix of either family, and whether an address falls inside it.

/// An IPv4 or IPv6 network in CIDR notation, such as `10.0.0.0/8` or `fc00::/7`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's first address (host bits cleared).
    public let address: IPAddress
    /// How many leading bits are fixed: 0...32 for IPv4, 0...128 for IPv6.
    public let prefixLength: Int

    /// Creates a network; host bits of `address` are cleared, so `10.1.2.3` with 8 is `10.0.0.0/8`.
    /// - Parameters:
    ///   - address: Any address of the network.
    ///   - prefixLength: 0...32 for IPv4, 0...128 for IPv6; other values give `nil`.
    public init?(_ address: IPAddress, prefixLength: Int) {
        guard (0...address.bytes.count * 8).contains(prefixLength) else { return nil }
        self.address = IPAddress(bytes: Self.masked(address.bytes, prefixLength: prefixLength))!
        self.prefixLength = prefixLength
    }

    /// Parses CIDR notation.
    /// - Parameter cidr: `address/length`, the address in strict ``IPAddress`` form, the length
    ///   in decimal.
    public init?(_ cidr: String) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
            parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), parts[1].count <= 3,
            let length = Int(parts[1])
        else { return nil }
        self.init(address, prefixLength: length)
    }

    /// Whether `address` is in this network; never for an address of the other family.
    /// - Parameter address: The address to test.
    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == self.address.bytes.count
            && Self.masked(address.bytes, prefixLength: prefixLength) == self.address.bytes
    }

    /// `address/prefixLength`.
    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(max(prefixLength - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(0xFF >> kept)
        }
    }
}
