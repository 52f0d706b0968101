// Checks a libpq connection URL, libpq's multi-host form included, without changing it.

/// What is wrong with a `SWITCHYARD_DATABASE_URL`, if anything. The URL is handed to libpq
/// unchanged; this check only refuses what libpq would refuse later with a vaguer message.
///
/// Accepted: `postgresql://` or `postgres://`, optional `user[:password]@`, one host or a
/// comma-separated list (`h1:5432,h2:5433`, each a name, an IPv4 address or a bracketed IPv6
/// address, each with an optional port 1-65535), then optional `/database` and `?parameters`
/// (such as `target_session_attrs=read-write`, which makes libpq skip standbys). With no host,
/// a `host=` parameter must name one (a Unix socket folder, say).
enum DatabaseURLCheck {
    /// The problem with `url`, or nil when it is well formed.
    static func problem(in url: String) -> String? {
        guard let rest = ["postgresql://", "postgres://"].lazy.compactMap({ url.hasPrefix($0) ? url.dropFirst($0.count) : nil }).first else {
            return "expected postgresql://user[:password]@host[:port][,host[:port]...]/database"
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let query = rest[authorityEnd...].drop { $0 != "?" }
        let hosts = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        guard !hosts.isEmpty else {
            let namesHost = query.dropFirst().split(separator: "&").contains { $0.hasPrefix("host=") && $0.count > 5 }
            return namesHost ? nil : "expected a host (host[:port], or several separated by commas), got none"
        }
        for host in hosts.split(separator: ",", omittingEmptySubsequences: false) {
            if let problem = problem(inHost: host) { return problem }
        }
        return nil
    }

    /// What is wrong with one `host[:port]` of the list.
    private static func problem(inHost text: Substring) -> String? {
        var name = text
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return "an IPv6 address needs its closing ']': '\(text)'" }
            name = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "expected ':port' after ']', got '\(text)'" }
                port = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            name = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !name.isEmpty else { return "expected a host name or address in each of the comma-separated hosts, got '\(text)'" }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || ".-_:%".contains($0) }) else {
            return "'\(name)' is not a host name or address"
        }
        if let port {
            guard let number = Int(port), (1...65_535).contains(number), port.allSatisfy(\.isASCII) else {
                return "expected a port 1-65535 after '\(name):', got '\(port)'"
            }
        }
        return nil
    }
}
