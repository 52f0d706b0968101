// What one transfer accumulates, fed by libcurl's header, write and progress callbacks.

/// The state of one transfer, reached from libcurl's C callbacks through an unretained opaque
/// pointer (``from(_:)``). Created, fed and read on the worker's thread during one
/// `curl_easy_perform`; the worker keeps it alive for that call.
final class CurlTransfer {
    /// The most body bytes to accept.
    let maxResponseSize: Int
    /// Read by the progress callback; set by the awaiting task's cancellation handler.
    let cancellation: CurlCancellation
    /// The final response's header fields so far.
    private(set) var headers: [HTTPHeader] = []
    /// The body bytes so far.
    private(set) var body: [UInt8] = []
    /// Whether a connection was established (or reused) and the request was about to be sent.
    private(set) var isConnected = false
    /// Whether the transfer was aborted because the body would exceed ``maxResponseSize``.
    private(set) var exceededLimit = false
    private var declaredLength: Int?
    private var receivedBody = false

    /// Creates the state for one transfer.
    /// - Parameters:
    ///   - maxResponseSize: The most body bytes to accept.
    ///   - cancellation: The flag the progress callback checks.
    init(maxResponseSize: Int, cancellation: CurlCancellation) {
        self.maxResponseSize = maxResponseSize
        self.cancellation = cancellation
    }

    /// The transfer behind a callback's context pointer.
    static func from(_ context: UnsafeMutableRawPointer) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    }

    /// Notes from `CURLOPT_PREREQFUNCTION` that the connection is ready for the request.
    func connectionReady() {
        isConnected = true
    }

    /// Takes one header line from `CURLOPT_HEADERFUNCTION`. A status line starts a new response
    /// (interim 1xx, followed redirects), so it drops the fields collected so far.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = line.last, last.isNewline {  // "\r\n" is one Character
            line.removeLast()
        }
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
            declaredLength = nil
        } else if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            headers[headers.count - 1].value += " " + trimmed(line)  // obsolete line folding
        } else if let colon = line.firstIndex(of: ":") {
            let header = HTTPHeader(String(line[..<colon]), trimmed(line[line.index(after: colon)...]))
            if header.hasName("Content-Length") {
                declaredLength = Int(header.value)
            }
            headers.append(header)
        }
    }

    /// Takes body bytes from `CURLOPT_WRITEFUNCTION`.
    /// - Returns: `false` to abort the transfer: the declared `Content-Length` or the bytes so
    ///   far exceed ``maxResponseSize``.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if !receivedBody {
            receivedBody = true
            if let declaredLength {
                guard declaredLength <= maxResponseSize else {
                    exceededLimit = true
                    return false
                }
                body.reserveCapacity(declaredLength)
            }
        }
        guard bytes.count <= maxResponseSize - body.count else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    private func trimmed(_ text: Substring) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isBlank($0) }),
            let end = text.lastIndex(where: { !isBlank($0) })
        else {
            return ""
        }
        return String(text[start...end])
    }
}
