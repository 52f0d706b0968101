// Translating an HTTPRequest and the client's configuration into libcurl options.

import CSwitchyardCurl

extension CurlEasyHandle {
    /// Resets the handle and sets every option for one transfer of `request`.
    ///
    /// TLS verification stays at libcurl's defaults (peer and host verified); only `http` and
    /// `https` are allowed, redirects included; libcurl's `Expect: 100-continue` and its default
    /// form `Content-Type` are suppressed unless the request sets them. For a client with an
    /// ``HTTPClient/Configuration/outboundPolicy`` libcurl follows no redirect (the client
    /// checks and follows them itself), uses no proxy (not even one from the environment, which
    /// would resolve the host itself), and takes the host's addresses from `resolve`.
    /// - Parameters:
    ///   - request: The validated request.
    ///   - configuration: The client's defaults and redirect policy.
    ///   - resolve: `CURLOPT_RESOLVE` entries of a guarded transfer, if any; the caller keeps
    ///     the list alive until the transfer ends.
    ///   - transfer: The callback state; the caller keeps it alive until the transfer ends.
    /// - Returns: The header list, which the caller must keep alive until the transfer ends.
    /// - Throws: ``HTTPClientError`` if libcurl rejects an option.
    func configure(
        for request: HTTPRequest,
        configuration: HTTPClient.Configuration,
        resolve: CurlStringList?,
        transfer: CurlTransfer
    ) throws(HTTPClientError) -> CurlStringList {
        try reset()
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_USERAGENT, configuration.userAgent)
        try set(CURLOPT_CONNECTTIMEOUT_MS, (request.connectTimeout ?? configuration.connectTimeout).curlMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.timeout).curlMilliseconds)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        if configuration.outboundPolicy != nil {
            try set(CURLOPT_PROXY, "")
            if let resolve {
                try set(CURLOPT_RESOLVE, UnsafeMutableRawPointer(resolve.pointer))
            }
        } else if configuration.maxRedirects > 0 {
            try set(CURLOPT_FOLLOWLOCATION, 1)
            try set(CURLOPT_MAXREDIRS, configuration.maxRedirects)
            try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        }

        let body = request.body ?? ([.post, .put, .patch].contains(request.method) ? [] : nil)
        if let body {
            try setBody(body)
            if request.method != .post {
                try set(CURLOPT_CUSTOMREQUEST, request.method.name)
            }
        } else if request.method == .head {
            try set(CURLOPT_NOBODY, 1)
        } else if request.method != .get {
            try set(CURLOPT_CUSTOMREQUEST, request.method.name)
        }

        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        if !request.headers.contains(named: "Expect") {
            lines.append("Expect:")
        }
        if body != nil, !request.headers.contains(named: "Content-Type") {
            lines.append("Content-Type:")
        }
        let headerList = try CurlStringList(lines: lines)
        try set(CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList.pointer))

        try installCallbacks(context: Unmanaged.passUnretained(transfer).toOpaque())
        return headerList
    }

    /// Routes libcurl's connection, header, body and progress callbacks to the ``CurlTransfer`` at `context`.
    private func installCallbacks(context: UnsafeMutableRawPointer) throws(HTTPClientError) {
        try setConnectedCallback { context, _, _, _, _ in
            guard let context else { return CURL_PREREQFUNC_ABORT }
            CurlTransfer.from(context).connectionReady()
            return CURL_PREREQFUNC_OK
        }
        try set(CURLOPT_PREREQDATA, context)
        try set(CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
            CurlTransfer.from(context).receiveHeaderLine(bytes)
            return bytes.count
        }
        try set(CURLOPT_HEADERDATA, context)
        try set(CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
            return CurlTransfer.from(context).receiveBody(bytes) ? bytes.count : 0
        }
        try set(CURLOPT_WRITEDATA, context)
        try setProgressCallback { context, _, _, _, _ in
            guard let context else { return 1 }
            return CurlTransfer.from(context).cancellation.isCancelled ? 1 : 0
        }
        try set(CURLOPT_XFERINFODATA, context)
        try set(CURLOPT_NOPROGRESS, 0)
    }
}
