// The owner of a curl_slist of request header lines.

import CSwitchyardCurl

/// A `curl_slist` of header lines for `CURLOPT_HTTPHEADER`, freed when released. libcurl reads
/// the list during the transfer, so it must outlive `curl_easy_perform`.
final class CurlHeaderList {
    /// The list's head, `nil` when empty.
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    /// Builds the list; libcurl copies each line.
    /// - Parameter lines: Header lines as libcurl takes them (`Name: value`, `Name;`, `Name:`).
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
