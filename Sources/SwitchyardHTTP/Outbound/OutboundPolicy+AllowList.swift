// Reading an outbound policy's allow list from text (`SWITCHYARD_OUTBOUND_ALLOW`).

extension OutboundPolicy {
    /// Reads an allow list: comma-separated entries, each a CIDR block (`127.0.0.0/8`,
    /// `10.0.0.0/8`, `::1/128`) or a `host:port` pair (`localhost:8080`, `127.0.0.1:9000`,
    /// `[::1]:8080`). Blanks around entries and empty entries are ignored, so `""` allows
    /// public addresses only. A bare address without `/length` or `:port` is not an entry.
    /// - Parameter allowList: The list.
    /// - Throws: ``InvalidEntry`` naming the first malformed entry.
    public init(allowList: String) throws(InvalidEntry) {
        self.init()
        for rawEntry in allowList.split(separator: ",") {
            let entry = rawEntry.drop(while: \.isWhitespace)
            let trimmed = String(entry.dropLast(entry.reversed().prefix(while: \.isWhitespace).count))
            guard !trimmed.isEmpty else { continue }
            if trimmed.contains("/") {
                guard let network = IPNetwork(trimmed) else {
                    throw InvalidEntry(entry: trimmed, problem: "not a CIDR block (address/length, e.g. 10.0.0.0/8 or fc00::/7)")
                }
                allowedNetworks.append(network)
            } else {
                allowedEndpoints.append(try Self.endpoint(trimmed))
            }
        }
    }

    private static func endpoint(_ entry: String) throws(InvalidEntry) -> OutboundEndpoint {
        let host: Substring
        let portText: Substring
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]"), entry[close...].hasPrefix("]:"),
                IPAddress(String(entry[entry.index(after: entry.startIndex)..<close])) != nil
            else {
                throw InvalidEntry(entry: entry, problem: "expected [IPv6 address]:port")
            }
            host = entry[...close]
            portText = entry[entry.index(close, offsetBy: 2)...]
        } else {
            guard let colon = entry.lastIndex(of: ":") else {
                throw InvalidEntry(entry: entry, problem: "expected a CIDR block (10.0.0.0/8) or host:port (localhost:8080)")
            }
            host = entry[..<colon]
            portText = entry[entry.index(after: colon)...]
            guard !host.contains(":") else {
                throw InvalidEntry(entry: entry, problem: "an IPv6 host goes in brackets ([::1]:8080), a network needs /length (::1/128)")
            }
        }
        guard portText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), portText.count <= 5,
            let port = Int(portText), let endpoint = OutboundEndpoint(host: String(host), port: port)
        else {
            throw InvalidEntry(entry: entry, problem: "expected host:port with a host name or address and a port 1-65535")
        }
        return endpoint
    }
}
