// The one owner of a libcurl easy handle (CURL *) and its error buffer.

import CSwitchyardCurl

/// A libcurl easy handle, its error buffer, and typed access to its options and results.
///
/// Deliberately not `Sendable`: each handle belongs to one `HTTPWorker` and is used only on that
/// worker's thread, as libcurl requires. The handle keeps its connection, DNS and TLS session
/// caches across ``reset()``, which is what makes keep-alive reuse work. It is freed
/// (`curl_easy_cleanup`) when the worker drops it.
final class CurlEasyHandle {
    private let pointer: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Initialises libcurl if needed and creates a handle.
    /// - Throws: ``HTTPClientError`` if libcurl cannot initialise or allocate the handle.
    init() throws(HTTPClientError) {
        try CurlGlobal.initialize()
        guard let pointer = curl_easy_init() else {
            throw HTTPClientError(code: .transferFailed, message: "curl_easy_init failed")
        }
        self.pointer = pointer
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
    }

    /// Clears every option of the previous transfer, then sets the ones every transfer needs:
    /// no signals (libcurl must not touch SIGALRM/SIGPIPE in a threaded process) and the error buffer.
    func reset() throws(HTTPClientError) {
        curl_easy_reset(pointer)
        errorBuffer[0] = 0
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
    }

    /// Sets a `long` option.
    func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(sy_curl_setopt_long(pointer, option, value))
    }

    /// Sets a string option; libcurl copies the string.
    func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(value.withCString { sy_curl_setopt_string(pointer, option, $0) })
    }

    /// Sets a pointer option (callback contexts, lists, buffers).
    func set(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws(HTTPClientError) {
        try check(sy_curl_setopt_pointer(pointer, option, value))
    }

    /// Sets a data callback (`CURLOPT_WRITEFUNCTION` or `CURLOPT_HEADERFUNCTION`).
    func set(_ option: CURLoption, _ callback: sy_curl_data_callback) throws(HTTPClientError) {
        try check(sy_curl_setopt_data_callback(pointer, option, callback))
    }

    /// Sets `CURLOPT_XFERINFOFUNCTION`.
    func setProgressCallback(_ callback: sy_curl_xferinfo_callback) throws(HTTPClientError) {
        try check(sy_curl_setopt_xferinfo_callback(pointer, callback))
    }

    /// Sets `CURLOPT_PREREQFUNCTION`.
    func setConnectedCallback(_ callback: sy_curl_prereq_callback) throws(HTTPClientError) {
        try check(sy_curl_setopt_prereq_callback(pointer, callback))
    }

    /// Sets the request body; libcurl copies the bytes (`CURLOPT_COPYPOSTFIELDS`), and the
    /// method becomes `POST` unless `CURLOPT_CUSTOMREQUEST` says otherwise.
    func setBody(_ body: [UInt8]) throws(HTTPClientError) {
        try check(sy_curl_setopt_off(pointer, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        // With a size of 0 libcurl still needs a non-null pointer to copy nothing from.
        let source = body.isEmpty ? [0] : body
        try check(source.withUnsafeBytes {
            sy_curl_setopt_pointer(pointer, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
        })
    }

    /// Runs the transfer; blocks the calling thread until it ends.
    func perform() -> CURLcode {
        curl_easy_perform(pointer)
    }

    /// The status of the last response (`CURLINFO_RESPONSE_CODE`), 0 if none arrived.
    var responseCode: Int {
        var value = 0
        return sy_curl_getinfo_long(pointer, CURLINFO_RESPONSE_CODE, &value) == CURLE_OK ? value : 0
    }

    /// Where the last response redirects to (`CURLINFO_REDIRECT_URL`: its `Location` resolved
    /// against the request's URL), `nil` if it is no redirect.
    var redirectURL: String? {
        var value: UnsafeMutablePointer<CChar>?
        guard sy_curl_getinfo_string(pointer, CURLINFO_REDIRECT_URL, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// libcurl's description of a failure: the error buffer's text, else `curl_easy_strerror`.
    func message(for code: CURLcode) -> String {
        errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
    }

    private func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw HTTPClientError(curlCode: code, curlMessage: message(for: code), connected: false)
        }
    }
}
