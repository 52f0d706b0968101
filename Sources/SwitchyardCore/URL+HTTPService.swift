// The check every configured service URL passes: http(s), a host, a port that exists.

public import Foundation

extension URL {
    /// Whether this names an HTTP service: scheme `http` or `https`, a non-empty host, and a
    /// port, if one is written, in 1...65535 (`URL` itself takes `:99999` or `:0`).
    public var isHTTPServiceURL: Bool {
        guard let scheme = scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        guard let host, !host.isEmpty else { return false }
        return port.map { (1...65_535).contains($0) } ?? true
    }
}
