// One worker: a dedicated thread and one reused libcurl handle, one transfer at a time.

import CSwitchyardCurl
import SwitchyardConcurrency

/// Runs transfers one at a time on its own thread (a `ThreadExecutor`), with one libcurl easy
/// handle reused across requests so that its kept-alive connections serve the next one. The
/// blocking `curl_easy_perform` therefore stalls only this worker's thread, never Swift's
/// cooperative pool.
actor HTTPWorker {
    private let executor: ThreadExecutor
    private let configuration: HTTPClient.Configuration
    /// Created on first use, on this worker's thread; `nil` again after ``close()``.
    private var handle: CurlEasyHandle?

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
    ///   - cancellation: Aborts the transfer when set (checked by libcurl's progress callback).
    /// - Returns: The response, whatever its status.
    /// - Throws: ``HTTPClientError``.
    func perform(_ request: HTTPRequest, cancellation: CurlCancellation) throws(HTTPClientError) -> HTTPResponse {
        guard !cancellation.isCancelled else { throw .cancelled() }
        let handle = try easyHandle()
        let transfer = CurlTransfer(
            maxResponseSize: request.maxResponseSize ?? configuration.maxResponseSize,
            cancellation: cancellation
        )
        let headerList = try handle.configure(for: request, configuration: configuration, transfer: transfer)
        let code = withExtendedLifetime((transfer, headerList)) { handle.perform() }

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
