// Which addresses are not public: the special-purpose blocks an outbound guard refuses.

extension IPAddress {
    /// Why an address is not a public, globally reachable one (after the IANA special-purpose
    /// registries, RFC 6890).
    public enum SpecialPurpose: String, Sendable {
        /// `0.0.0.0/8`, `::/128`: "this host"; connecting to it reaches the local machine.
        case unspecified
        /// `127.0.0.0/8`, `::1/128`.
        case loopback
        /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`.
        case privateNetwork = "private"
        /// `100.64.0.0/10`, carrier-grade NAT.
        case sharedAddressSpace = "shared address space (CGNAT)"
        /// `169.254.0.0/16` (cloud metadata services live at `169.254.169.254`), `fe80::/10`.
        case linkLocal = "link-local"
        /// `fc00::/7`.
        case uniqueLocal = "unique-local"
        /// `224.0.0.0/4`, `ff00::/8`.
        case multicast
        /// `255.255.255.255/32`.
        case broadcast
        /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`.
        case documentation
        /// Everything else that is not public: `192.0.0.0/24`, `198.18.0.0/15`, `240.0.0.0/4`,
        /// the 6to4 and Teredo tunnels, IPv4-compatible and site-local IPv6, discard and local NAT64.
        case reserved
    }

    /// Why this address is not public, or `nil` when it is. An IPv4-mapped (`::ffff:a.b.c.d`) or
    /// NAT64 (`64:ff9b::a.b.c.d`) address is judged as the IPv4 address it stands for.
    public var specialPurpose: SpecialPurpose? {
        specialPurposeBlock?.purpose
    }

    /// The special-purpose block this address (or the IPv4 address it stands for) is in.
    var specialPurposeBlock: (purpose: SpecialPurpose, network: IPNetwork)? {
        let judged = embeddedIPv4 ?? self
        return Self.specialPurposeBlocks.first { $0.network.contains(judged) }
    }

    /// Most specific first where blocks nest (`::1` before `::/96`, broadcast before `240/4`).
    private static let specialPurposeBlocks: [(purpose: SpecialPurpose, network: IPNetwork)] = [
        (.unspecified, "0.0.0.0/8"),
        (.privateNetwork, "10.0.0.0/8"),
        (.sharedAddressSpace, "100.64.0.0/10"),
        (.loopback, "127.0.0.0/8"),
        (.linkLocal, "169.254.0.0/16"),
        (.privateNetwork, "172.16.0.0/12"),
        (.reserved, "192.0.0.0/24"),
        (.documentation, "192.0.2.0/24"),
        (.reserved, "192.88.99.0/24"),
        (.privateNetwork, "192.168.0.0/16"),
        (.reserved, "198.18.0.0/15"),
        (.documentation, "198.51.100.0/24"),
        (.documentation, "203.0.113.0/24"),
        (.multicast, "224.0.0.0/4"),
        (.broadcast, "255.255.255.255/32"),
        (.reserved, "240.0.0.0/4"),
        (.unspecified, "::/128"),
        (.loopback, "::1/128"),
        (.reserved, "::/96"),
        (.reserved, "64:ff9b:1::/48"),
        (.reserved, "100::/64"),
        (.reserved, "2001::/32"),
        (.documentation, "2001:db8::/32"),
        (.reserved, "2002::/16"),
        (.uniqueLocal, "fc00::/7"),
        (.linkLocal, "fe80::/10"),
        (.reserved, "fec0::/10"),
        (.multicast, "ff00::/8"),
    ].map { purpose, cidr in (purpose, IPNetwork(cidr)!) }
}
