// One worker: a dedicated thread and one reused libcurl handle, one transfer at a time.

import CSwitchyardCurl
import SwitchyardConcurrency

/// Runs transfers one at a time on its own thread (a `ThreadExecutor`), with one libcurl easy
/// handle reused across requests so that its kept-alive connections serve the next one. The
/// blocking `curl_easy_perform` (and a guarded client's `getaddrinfo`) therefore stalls only
/// this worker's thread, never Swift's cooperative pool.
actor HTTPWorker {
    private let executor: ThreadExecutor
    private let configuration: HTTPClient.Configuration
    /// Created on first use, on this worker's thread; `nil` again after ``close()``.
    private var handle: CurlEasyHandle?
    /// `-host:port` entries that take the last guarded transfer's `CURLOPT_RESOLVE` pin out of
    /// the handle's DNS cache at the start of the next transfer.
    private var pinnedEntries: [String] = []

    /// Runs every method of this actor on the worker's own thread.
    nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Starts the worker's thread.
    /// - Parameters:
    ///   - name: The thread's name.
    ///   - configuration: The client's defaults and redirect policy.
    init(name: String, configuration: HTTPClient.Configuration) {
        executor = ThreadExecutor(name: name)
        self.configuration = configuration
    }

    deinit {
        executor.shutdown()
    }

    /// Sends `request` and waits for the whole response, blocking this worker's thread.
    /// - Parameters:
    ///   - request: The validated request.
    ///   - checkedURL: For a client with an ``HTTPClient/Configuration/outboundPolicy``, the
    ///     request's URL as checked before it took a worker (checked here if `nil`); ignored
    ///     by other clients.
    ///   - cancellation: Aborts the transfer when set (checked by libcurl's progress callback).
    /// - Returns: The response, whatever its status.
    /// - Throws: ``HTTPClientError``.
    func perform(
        _ request: HTTPRequest, checkedURL: OutboundURL?, cancellation: CurlCancellation
    ) throws(HTTPClientError) -> HTTPResponse {
        guard let policy = configuration.outboundPolicy else {
            return try transfer(request, pin: nil, cancellation: cancellation)
        }
        let url = if let checkedURL { checkedURL } else { try OutboundURL(checking: request.url) }
        return try performGuarded(request, url: url, policy: policy, cancellation: cancellation)
    }

    /// The guarded exchange: each hop's host resolved here (blocking this thread) and judged,
    /// the transfer pinned to its addresses, redirects followed by hand and checked alike, all
    /// within the request's one time limit.
    private func performGuarded(
        _ request: HTTPRequest, url: OutboundURL, policy: OutboundPolicy, cancellation: CurlCancellation
    ) throws(HTTPClientError) -> HTTPResponse {
        let deadline = ContinuousClock.now + (request.timeout ?? configuration.timeout)
        var hop = request
        var target = url
        var redirects = 0
        while true {
            let pin = try OutboundPin(resolving: target, policy: policy)
            let remaining = deadline - .now
            guard remaining > .zero else {
                throw HTTPClientError(code: .timeout, message: "the request timed out")
            }
            hop.url = target.url
            hop.timeout = remaining
            let response = try transfer(hop, pin: pin, cancellation: cancellation)
            guard configuration.maxRedirects > 0, HTTPRequest.redirectStatuses.contains(response.status),
                let location = handle?.redirectURL
            else {
                return response
            }
            guard redirects < configuration.maxRedirects else {
                throw HTTPClientError(
                    curlCode: CURLE_TOO_MANY_REDIRECTS,
                    curlMessage: "Maximum (\(configuration.maxRedirects)) redirects followed", connected: true)
            }
            redirects += 1
            let next = try OutboundURL(checking: location)
            hop = hop.redirected(to: next.url, status: response.status, sameOrigin: next.isSameOrigin(as: target))
            target = next
        }
    }

    /// One libcurl transfer of `request`, pinned to `pin`'s addresses if given.
    private func transfer(
        _ request: HTTPRequest, pin: OutboundPin?, cancellation: CurlCancellation
    ) throws(HTTPClientError) -> HTTPResponse {
        guard !cancellation.isCancelled else { throw .cancelled() }
        let handle = try easyHandle()
        let transfer = CurlTransfer(
            maxResponseSize: request.maxResponseSize ?? configuration.maxResponseSize,
            cancellation: cancellation
        )
        // The previous guarded transfer's pin leaves the DNS cache first (libcurl applies the
        // entries in order when the transfer starts), so pins never pile up in a long-lived handle.
        let entries = pinnedEntries + [pin?.resolveEntry].compactMap { $0 }
        let resolve = entries.isEmpty ? nil : try CurlStringList(lines: entries)
        let headerList = try handle.configure(for: request, configuration: configuration, resolve: resolve, transfer: transfer)
        pinnedEntries = [pin?.removalEntry].compactMap { $0 }
        let code = withExtendedLifetime((transfer, headerList, resolve)) { handle.perform() }

        guard code != CURLE_OK else {
            return HTTPResponse(status: handle.responseCode, headers: transfer.headers, body: transfer.body)
        }
        if transfer.exceededLimit {
            throw .responseTooLarge(limit: transfer.maxResponseSize)
        }
        if cancellation.isCancelled {
            throw .cancelled()
        }
        throw HTTPClientError(curlCode: code, curlMessage: handle.message(for: code), connected: transfer.isConnected)
    }

    /// The handle, created on first use.
    private func easyHandle() throws(HTTPClientError) -> CurlEasyHandle {
        if let handle {
            return handle
        }
        let handle = try CurlEasyHandle()
        self.handle = handle
        return handle
    }

    /// Frees the handle (closing its connections) on this thread, then lets the thread exit.
    /// The worker must not be used afterwards.
    func close() {
        handle = nil
        executor.shutdown()
    }
}
