// A URL a guarded client is about to fetch, read as libcurl reads it and checked before any lookup.

import CSwitchyardCurl
import SwitchyardCore

/// The parts of a URL that decide where a guarded request goes, from libcurl's own parser
/// (``CurlURL``), so that the host judged is the host libcurl connects to.
///
/// Made only from URLs that pass the checks that need no lookup: `http` or `https`, no user
/// information, a host libcurl can use (no IPv6 zone id), a port other than 0.
public struct OutboundURL: Sendable {
    /// libcurl's normalised form of the URL (`http://0x7f.1/` becomes `http://127.0.0.1/`);
    /// the transfer uses this, so it connects to the host that was checked.
    let url: String
    /// `http` or `https`.
    let scheme: String
    /// The host as libcurl names it: an IPv6 literal in brackets, else as written (case kept).
    let host: String
    /// The port, the scheme's default if the URL names none.
    let port: Int

    /// Parses and checks `text`.
    /// - Parameter text: The URL of the request or of a redirect's target.
    /// - Throws: ``HTTPClientError``: ``HTTPClientError/Code/invalidRequest`` if libcurl cannot
    ///   parse it, ``HTTPClientError/Code/forbiddenURL`` if it breaks a rule.
    init(checking text: String) throws(HTTPClientError) {
        guard let parsed = CurlURL(text), let scheme = parsed.part(CURLUPART_SCHEME)?.lowercased() else {
            throw .invalidRequest("URL is not a URL libcurl can parse: \(String(text.prefix(200)).escapingControlCharacters)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw .forbiddenURL("a \(scheme.prefix(20)): URL: only http and https may be fetched")
        }
        guard let host = parsed.part(CURLUPART_HOST, flags: CURLU_PUNYCODE), !host.isEmpty else {
            throw .forbiddenURL("a \(scheme) URL whose host libcurl cannot read or convert to ASCII")
        }
        let origin = "\(scheme)://\(host.prefix(255))"
        guard parsed.part(CURLUPART_USER) == nil, parsed.part(CURLUPART_PASSWORD) == nil, parsed.part(CURLUPART_OPTIONS) == nil else {
            throw .forbiddenURL("\(origin): user information (user:password@) is not allowed in the URL")
        }
        guard parsed.part(CURLUPART_ZONEID) == nil else {
            throw .forbiddenURL("\(origin): an IPv6 zone id is not allowed in the URL")
        }
        guard let portText = parsed.part(CURLUPART_PORT, flags: CURLU_DEFAULT_PORT), let port = Int(portText), port > 0,
            let url = parsed.part(CURLUPART_URL)
        else {
            throw .forbiddenURL("\(origin): the URL has no usable port")
        }
        self.url = url
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Why a guarded client would refuse `text` before looking its host up (not a URL, not
    /// http or https, no host, user information, an IPv6 zone id, no usable port), or `nil`.
    /// A URL that passes may still be refused for the addresses its host resolves to.
    public static func formProblem(_ text: String) -> String? {
        do {
            _ = try OutboundURL(checking: text)
            return nil
        } catch {
            return error.message
        }
    }

    /// Whether the host is an IPv6 literal (`[::1]`).
    var isIPv6Literal: Bool { host.hasPrefix("[") }

    /// The name to look up: the host without an IPv6 literal's brackets.
    var lookupName: String {
        isIPv6Literal ? String(host.dropFirst().dropLast()) : host
    }

    /// `scheme://host:port`, for messages: never the path, query or user information.
    var origin: String { "\(scheme)://\(host):\(port)" }

    /// Whether `other` has the same scheme, host (ignoring case) and port.
    func isSameOrigin(as other: OutboundURL) -> Bool {
        scheme == other.scheme && host.lowercased() == other.host.lowercased() && port == other.port
    }
}
