// The owner of a libcurl URL handle (CURLU *), so a URL is judged as libcurl itself reads it.

import CSwitchyardCurl

/// A URL parsed by libcurl's URL API, the parser `curl_easy_perform` uses: numeric host forms
/// (`2130706433`, `0x7f.1`, `127.1`) come out as dotted decimal, percent-encoded host names
/// decoded, IPv6 literals in brackets with any zone id apart.
///
/// Not `Sendable`: made, read and freed within one call.
final class CurlURL {
    private let handle: OpaquePointer

    /// Parses `text`.
    /// - Parameter text: An absolute URL.
    /// - Returns: `nil` if libcurl cannot parse it (or cannot allocate).
    init?(_ text: String) {
        guard (try? CurlGlobal.initialize()) != nil, let handle = curl_url() else { return nil }
        guard curl_url_set(handle, CURLUPART_URL, text, 0) == CURLUE_OK else {
            curl_url_cleanup(handle)
            return nil
        }
        self.handle = handle
    }

    deinit {
        curl_url_cleanup(handle)
    }

    /// One part of the URL, or `nil` if it has none (or libcurl cannot produce it).
    /// - Parameters:
    ///   - part: Which part.
    ///   - flags: `CURLU_*` flags for `curl_url_get`, for example `CURLU_DEFAULT_PORT`.
    func part(_ part: CURLUPart, flags: Int32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, UInt32(flags)) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
