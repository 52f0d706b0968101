// Resolving a checked URL's host once, judging every address, and pinning the transfer to them.

import Glibc

/// The addresses a guarded request may connect to: its host resolved once (`getaddrinfo`, on
/// the calling thread, which blocks) and every address allowed by the policy; and the
/// `CURLOPT_RESOLVE` entries that make libcurl use exactly these instead of resolving the host
/// again (so a DNS answer that changes between check and connect, DNS rebinding, changes nothing).
struct OutboundPin {
    /// The checked URL.
    let target: OutboundURL
    /// Every address the host resolved to, in resolver order, each allowed.
    let addresses: [IPAddress]

    /// Resolves `target`'s host and judges every address it has.
    /// - Parameters:
    ///   - target: The checked URL.
    ///   - policy: The rules.
    /// - Throws: ``HTTPClientError``: ``HTTPClientError/Code/forbiddenURL`` naming the first
    ///   refused address and why; ``HTTPClientError/Code/connectionFailed`` if the name does not resolve.
    init(resolving target: OutboundURL, policy: OutboundPolicy) throws(HTTPClientError) {
        let addresses = try Self.lookUp(target.lookupName, numeric: target.isIPv6Literal, origin: target.origin)
        for address in addresses {
            if let refusal = policy.refusal(of: address, host: target.host, port: target.port) {
                let lookup = IPAddress(target.lookupName) == address ? "" : " (\(target.host) resolves to \(address))"
                throw .forbiddenURL("\(target.origin)\(lookup): \(refusal)")
            }
        }
        self.target = target
        self.addresses = addresses
    }

    /// `host:port:address,...` for `CURLOPT_RESOLVE` (IPv6 addresses in brackets); `nil` for an
    /// IPv6 literal host, which libcurl connects to as written without any lookup (and whose
    /// bracketed name the option cannot express).
    var resolveEntry: String? {
        guard !target.isIPv6Literal else { return nil }
        let list = addresses.map { $0.isIPv4 ? "\($0)" : "[\($0)]" }.joined(separator: ",")
        return "\(target.host):\(target.port):\(list)"
    }

    /// `-host:port`, which takes ``resolveEntry`` out of the handle's DNS cache again (entries
    /// added by `CURLOPT_RESOLVE` never expire by themselves).
    var removalEntry: String? {
        target.isIPv6Literal ? nil : "-\(target.host):\(target.port)"
    }

    /// The addresses of `name` (`getaddrinfo`, TCP, both families), without duplicates.
    private static func lookUp(_ name: String, numeric: Bool, origin: String) throws(HTTPClientError) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = numeric ? AI_NUMERICHOST : 0
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        defer { freeaddrinfo(list) }
        guard status == 0 else {
            throw HTTPClientError(
                code: .connectionFailed, message: "could not resolve the host name of \(origin)",
                curlMessage: String(cString: gai_strerror(status)))
        }
        var addresses: [IPAddress] = []
        var entry = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let socketAddress = info.ai_addr else { continue }
            let address: IPAddress?
            let raw = UnsafeRawPointer(socketAddress)
            switch info.ai_family {
            case AF_INET:
                address = withUnsafeBytes(of: raw.loadUnaligned(as: sockaddr_in.self).sin_addr) { IPAddress(bytes: Array($0)) }
            case AF_INET6:
                address = withUnsafeBytes(of: raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr) { IPAddress(bytes: Array($0)) }
            default:
                address = nil
            }
            if let address, !addresses.contains(address) {
                addresses.append(address)
            }
        }
        guard !addresses.isEmpty else {
            throw HTTPClientError(code: .connectionFailed, message: "the host name of \(origin) has no IPv4 or IPv6 address")
        }
        return addresses
    }
}
