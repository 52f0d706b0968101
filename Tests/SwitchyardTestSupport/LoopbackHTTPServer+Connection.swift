// Serving one keep-alive connection of the loopback test server: read, record, delay, answer.

import Synchronization

extension LoopbackHTTPServer {
    /// Answers requests on `connection` until the client closes it, a route ends it, or the
    /// server stops; then closes it.
    func serve(_ connection: LoopbackSocket) {
        defer { connection.close() }
        var buffer: [UInt8] = []
        while !shouldStop {
            guard let bytes = connection.receive() else { return }
            buffer += bytes
            switch LoopbackRequest.parse(buffer) {
            case .incomplete:
                continue
            case .malformed:
                _ = connection.send(Self.head(status: 400, headers: [("Content-Length", "0")]), shouldStop: { false })
                return
            case .request(let request, let length):
                buffer.removeFirst(length)
                guard answer(request, on: connection) else { return }
            }
        }
    }

    /// Records and answers one request.
    /// - Returns: Whether the connection may carry another request.
    private func answer(_ request: LoopbackRequest, on connection: LoopbackSocket) -> Bool {
        let answered = state.withLock { state in
            state.requests.append(request)
            state.activeRequests += 1
            state.maxActiveRequests = max(state.maxActiveRequests, state.activeRequests)
            defer { state.answered[request.path, default: 0] += 1 }
            return state.answered[request.path, default: 0]
        }
        defer { state.withLock { $0.activeRequests -= 1 } }
        let script = scripts[request.path] ?? []
        let route = script.isEmpty ? .text("no route for \(request.path)", status: 404) : script[min(answered, script.count - 1)]

        let end = ContinuousClock.now + route.delay
        while ContinuousClock.now < end {
            if shouldStop || connection.peerHasClosed() {
                state.withLock { $0.abandonedRequests += 1 }
                return false
            }
        }

        switch route.behavior {
        case .dropConnection:
            return false
        case .respond:
            let body = request.method == "HEAD" ? [] : route.body
            let hasLength = route.headers.contains { $0.name.lowercased() == "content-length" }
            let head = Self.head(
                status: route.status,
                headers: route.headers + (hasLength ? [] : [("Content-Length", "\(route.body.count)")])
            )
            let message = head + body
            return connection.send(message, shouldStop: { shouldStop }) == message.count
        case .stream(let total, let chunked):
            let framing = chunked ? ("Transfer-Encoding", "chunked") : ("Content-Length", "\(total)")
            var sent = 0
            let head = Self.head(status: route.status, headers: route.headers + [framing])
            if connection.send(head, shouldStop: { shouldStop }) == head.count {
                sent = stream(total, chunked: chunked, on: connection)
            }
            let result = StreamResult(path: request.path, sentBytes: sent, totalBytes: total)
            state.withLock { $0.streams.append(result) }
            return result.completed
        }
    }

    /// Sends `total` bytes of `x` in 64 KiB pieces.
    /// - Returns: The body bytes sent before the client went away (or all of them).
    private func stream(_ total: Int, chunked: Bool, on connection: LoopbackSocket) -> Int {
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536)
        var sent = 0
        while sent < total {
            let size = min(piece.count, total - sent)
            let frame = chunked
                ? Array("\(String(size, radix: 16))\r\n".utf8) + piece[..<size] + Array("\r\n".utf8)
                : Array(piece[..<size])
            guard connection.send(frame, shouldStop: { shouldStop }) == frame.count else { return sent }
            sent += size
        }
        if chunked {
            _ = connection.send(Array("0\r\n\r\n".utf8), shouldStop: { shouldStop })
        }
        return sent
    }

    private static func head(status: Int, headers: [(name: String, value: String)]) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reasons[status] ?? "Status")\r\n"
        for header in headers {
            text += "\(header.name): \(header.value)\r\n"
        }
        return Array((text + "\r\n").utf8)
    }

    private static let reasons = [
        200: "OK", 201: "Created", 204: "No Content", 302: "Found", 400: "Bad Request", 404: "Not Found",
        408: "Request Timeout", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
    ]
}
