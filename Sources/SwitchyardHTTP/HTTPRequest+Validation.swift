// Checks a request before it takes a worker, so a malformed one fails fast and permanently.

import SwitchyardCore

extension HTTPRequest {
    /// Rejects what libcurl would refuse late or, worse, reinterpret: a URL without an
    /// `http`/`https` scheme (libcurl would guess one), whitespace or control characters in the
    /// URL, method or header names that are not tokens, header values that could inject lines,
    /// the fields libcurl frames the request with (``HTTPHeader/framingNames``), and
    /// non-positive limits.
    /// - Throws: ``HTTPClientError`` with code ``HTTPClientError/Code/invalidRequest``.
    func validate() throws(HTTPClientError) {
        guard isToken(method.name) else {
            throw .invalidRequest("method \"\(method.name)\" is not a token")
        }
        let scheme = url.prefix { $0 != ":" }.lowercased()
        guard scheme == "http" || scheme == "https", url.dropFirst(scheme.count).hasPrefix("://") else {
            throw .invalidRequest("URL is not an absolute http:// or https:// URL: \(String(Redaction.url(url).prefix(200)).escapingControlCharacters)")
        }
        guard !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .invalidRequest("URL contains whitespace or control characters: \(String(Redaction.url(url).prefix(200)).escapingControlCharacters)")
        }
        for header in headers {
            if let problem = header.formProblem { throw .invalidRequest(problem) }
        }
        if let connectTimeout, connectTimeout <= .zero {
            throw .invalidRequest("connectTimeout must be positive, got \(connectTimeout)")
        }
        if let timeout, timeout <= .zero {
            throw .invalidRequest("timeout must be positive, got \(timeout)")
        }
        if let maxResponseSize, maxResponseSize < 0 {
            throw .invalidRequest("maxResponseSize must not be negative, got \(maxResponseSize)")
        }
    }
}

extension HTTPHeader {
    /// Why a request may not carry this field, or nil: a name that is not a token, a value that
    /// could inject lines (CR, LF or NUL), or one of the ``framingNames`` the client writes.
    public var formProblem: String? {
        guard isToken(name) else {
            return "header name \"\(String(name.prefix(100)).escapingControlCharacters)\" is not a token"
        }
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
            return "value of header \(name) contains CR, LF or NUL"
        }
        guard !isFraming else {
            return "header \(name) frames the request or its connection; the client sets it"
        }
        return nil
    }
}

/// Whether `text` is an RFC 9110 token: one or more of `!#$%&'*+-.^_`|~`, digits and letters.
private func isToken(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { byte in
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
