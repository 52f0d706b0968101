// The rules for requests to URLs that others chose: which addresses a guarded client may reach.

/// Which addresses an ``HTTPClient`` created with this policy
/// (``HTTPClient/Configuration/outboundPolicy``) may connect to, for URLs that come from events
/// rather than from our own configuration.
///
/// Public addresses are allowed. Every address with an ``IPAddress/SpecialPurpose`` (loopback,
/// private, link-local and cloud metadata, unique-local, CGNAT, multicast, reserved, ...) is
/// refused unless the allow list names it: an address inside one of ``allowedNetworks``, or any
/// address of a host whose URL host and port are one of ``allowedEndpoints``.
///
/// ```swift
/// let policy = try OutboundPolicy(allowList: "10.0.0.0/8,localhost:8080")
/// let client = HTTPClient(configuration: .init(outboundPolicy: policy))
/// ```
///
/// What the client does with it on every request (redirects included) is described at
/// ``HTTPClient/Configuration/outboundPolicy``.
public struct OutboundPolicy: Sendable, CustomStringConvertible {
    /// Networks whose addresses are allowed even when not public.
    public var allowedNetworks: [IPNetwork]
    /// Hosts and ports whose every address is allowed.
    public var allowedEndpoints: [OutboundEndpoint]

    /// Creates a policy.
    /// - Parameters:
    ///   - allowedNetworks: Networks allowed besides public addresses; none unless given.
    ///   - allowedEndpoints: Host and port pairs allowed whatever they resolve to; none unless given.
    public init(allowedNetworks: [IPNetwork] = [], allowedEndpoints: [OutboundEndpoint] = []) {
        self.allowedNetworks = allowedNetworks
        self.allowedEndpoints = allowedEndpoints
    }

    /// Whether a URL for `host` and `port` may connect to `address`.
    /// - Parameters:
    ///   - address: An address the host resolved to.
    ///   - host: The URL's host.
    ///   - port: The URL's port (the scheme's default if it names none).
    public func allows(_ address: IPAddress, host: String, port: Int) -> Bool {
        refusal(of: address, host: host, port: port) == nil
    }

    /// Why `address` is refused for `host:port` (for example `127.0.0.1 is in 127.0.0.0/8
    /// (loopback) and not on the allow list`), or `nil` when it is allowed.
    func refusal(of address: IPAddress, host: String, port: Int) -> String? {
        guard let block = address.specialPurposeBlock else { return nil }
        let judged = address.embeddedIPv4 ?? address
        if allowedNetworks.contains(where: { $0.contains(address) || $0.contains(judged) })
            || allowedEndpoints.contains(where: { $0.matches(host: host, port: port) })
        {
            return nil
        }
        let shown = judged == address ? "\(address)" : "\(address) (as \(judged))"
        return "\(shown) is in \(block.network) (\(block.purpose.rawValue)) and not on the allow list"
    }

    /// The allow list as ``init(allowList:)`` reads it, or `none`.
    public var description: String {
        let entries = allowedNetworks.map(\.description) + allowedEndpoints.map(\.description)
        return entries.isEmpty ? "none" : entries.joined(separator: ",")
    }
}
