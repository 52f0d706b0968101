// A request as the loopback test server received it, and its HTTP/1.1 parser.

/// One request exactly as ``LoopbackHTTPServer`` read it off the wire.
public struct LoopbackRequest: Sendable {
    /// The method, for example `POST`.
    public let method: String
    /// The request target, for example `/v1/items?limit=2`.
    public let target: String
    /// The header fields in wire order and spelling.
    public let headers: [(name: String, value: String)]
    /// The body bytes (`Content-Length` framing).
    public let body: [UInt8]
    /// When the whole request had arrived.
    public let receivedAt = ContinuousClock.now

    /// The target without its query.
    public var path: String {
        String(target.prefix { $0 != "?" })
    }

    /// The values of every header field named `name`, ignoring case.
    /// - Parameter name: The field name.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The value of the first header field named `name`, ignoring case.
    /// - Parameter name: The field name.
    public func header(_ name: String) -> String? {
        headers(named: name).first
    }

    /// What ``parse(_:)`` found at the start of a buffer.
    enum Parse {
        /// More bytes are needed.
        case incomplete
        /// The bytes are not an HTTP/1.1 request this server understands.
        case malformed
        /// A whole request, and how many bytes of the buffer it took.
        case request(LoopbackRequest, length: Int)
    }

    /// Parses one request with `Content-Length` framing from the start of `buffer`.
    static func parse(_ buffer: [UInt8]) -> Parse {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = buffer.firstRange(of: terminator)?.lowerBound else {
            return buffer.count > 65_536 ? .malformed : .incomplete
        }
        let lines = String(decoding: buffer[..<headEnd], as: UTF8.self)
            .split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { return .malformed }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return .malformed }
            let value = line[line.index(after: colon)...].trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            headers.append((String(line[..<colon]), String(value)))
        }
        let contentLength = headers.first { $0.name.lowercased() == "content-length" }.map { Int($0.value) } ?? 0
        guard let contentLength, contentLength >= 0, contentLength <= 16 << 20 else { return .malformed }
        let bodyStart = headEnd + terminator.count
        guard buffer.count >= bodyStart + contentLength else { return .incomplete }
        let request = LoopbackRequest(
            method: String(requestLine[0]),
            target: String(requestLine[1]),
            headers: headers,
            body: Array(buffer[bodyStart..<bodyStart + contentLength])
        )
        return .request(request, length: bodyStart + contentLength)
    }
}
