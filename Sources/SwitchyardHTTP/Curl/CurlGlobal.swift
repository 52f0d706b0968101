// Process-wide libcurl initialisation, run once before the first easy handle.

import CSwitchyardCurl

/// `curl_global_init`, exactly once per process.
enum CurlGlobal {
    /// The result of `curl_global_init`; Swift runs a static's initialiser once, thread-safely,
    /// on first use, which makes this the process's only call.
    private static let initResult: CURLcode = sy_curl_global_init()

    /// Initialises libcurl on the first call; later calls return at once.
    /// - Throws: ``HTTPClientError`` (``HTTPClientError/Code/transferFailed``) if libcurl could
    ///   not initialise.
    static func initialize() throws(HTTPClientError) {
        let result = initResult
        guard result == CURLE_OK else {
            throw HTTPClientError(
                code: .transferFailed,
                message: "curl_global_init failed",
                curlCode: Int(result.rawValue),
                curlMessage: String(cString: curl_easy_strerror(result))
            )
        }
    }
}
