// The owner of a curl_slist: request header lines, or CURLOPT_RESOLVE entries.

import CSwitchyardCurl

/// A `curl_slist` of strings for a list option (`CURLOPT_HTTPHEADER`, `CURLOPT_RESOLVE`), freed
/// when released. libcurl does not copy the list, so it must outlive `curl_easy_perform`.
final class CurlStringList {
    /// The list's head, `nil` when empty.
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    /// Builds the list; libcurl copies each string.
    /// - Parameter lines: The strings, for example header lines as libcurl takes them
    ///   (`Name: value`, `Name;`, `Name:`).
    /// - Throws: ``HTTPClientError`` if libcurl runs out of memory.
    init(lines: [String]) throws(HTTPClientError) {
        for line in lines {
            guard let next = curl_slist_append(pointer, line) else {
                curl_slist_free_all(pointer)
                pointer = nil
                throw HTTPClientError(code: .transferFailed, message: "curl_slist_append failed")
            }
            pointer = next
        }
    }

    deinit {
        curl_slist_free_all(pointer)
    }
}
