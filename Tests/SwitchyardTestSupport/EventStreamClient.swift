// A Server-Sent Events client for tests: one GET over a loopback socket, read event by event.

import Foundation
import Glibc

/// One event of a `text/event-stream`.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `id:` field.
    public var id: String?
    /// The `event:` field.
    public var event: String?
    /// The `data:` lines, joined by newlines.
    public var data: String

    /// `data` as a JSON object.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
    }
}

/// Reads a Server-Sent Events response as it arrives (HTTP/1.1, chunked or not), so a test can
/// see events before the stream ends, disconnect half-way and resume.
public final class EventStreamClient {
    /// The response status.
    public private(set) var status = 0
    /// The response headers, names lower-cased.
    public private(set) var headers: [String: String] = [:]
    private let socket: LoopbackSocket
    private var raw: [UInt8] = []
    private var body: [UInt8] = []
    private var chunked = false
    private var ended = false

    private init(socket: LoopbackSocket) {
        self.socket = socket
    }

    /// Sends `GET path` to 127.0.0.1:`port` and waits for the response head.
    /// - Parameters:
    ///   - port: The server's port.
    ///   - path: The path and query.
    ///   - headers: Extra request headers (`Authorization`, `Last-Event-ID`).
    ///   - timeout: How long the head may take.
    public static func connect(
        port: Int, path: String, headers: [String: String] = [:], timeout: Duration = .seconds(10)
    ) async throws -> EventStreamClient {
        let client = EventStreamClient(socket: try LoopbackSocket.startConnecting(to: port))
        let head = (["GET \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Accept: text/event-stream"]
            + headers.map { "\($0): \($1)" }).joined(separator: "\r\n") + "\r\n\r\n"
        let deadline = ContinuousClock.now + timeout
        guard client.socket.send(Array(head.utf8), shouldStop: { ContinuousClock.now > deadline }) == head.utf8.count else {
            client.close()
            throw EventStreamError("could not send the request to port \(port)")
        }
        while !(try client.parseHead()) {
            guard ContinuousClock.now < deadline, try await client.fill() else {
                client.close()
                throw EventStreamError("no response head from port \(port)")
            }
        }
        return client
    }

    /// The next event, or nil when the server ended the stream.
    /// - Throws: ``EventStreamError`` when none arrives within `timeout`.
    public func next(timeout: Duration = .seconds(10)) async throws -> ServerSentEvent? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let event = takeEvent() { return event }
            if ended { return nil }
            guard ContinuousClock.now < deadline else { throw EventStreamError("no event within \(timeout)") }
            if !(try await fill()) { ended = true }
            try decodeBody()
        }
    }

    /// Every remaining event until the server ends the stream.
    public func rest(timeout: Duration = .seconds(20)) async throws -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        while let event = try await next(timeout: timeout) { events.append(event) }
        return events
    }

    /// Disconnects.
    public func close() {
        socket.close()
    }

    /// Reads what has arrived into `raw`, waiting in 10 ms steps up to 50 ms; false at end of stream.
    private func fill() async throws -> Bool {
        for _ in 0..<5 {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                raw += chunk[..<count]
                return true
            }
            if count == 0 { return false }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ENOTCONN else {
                return false
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Parses the status line and headers once they are complete.
    private func parseHead() throws -> Bool {
        guard status == 0 else { return true }
        guard let end = raw.firstRange(of: Array("\r\n\r\n".utf8)) else { return false }
        let lines = String(decoding: raw[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = lines.first, let code = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw EventStreamError("not an HTTP response: \(lines.first ?? "")")
        }
        status = code
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        chunked = headers["transfer-encoding"]?.lowercased() == "chunked"
        raw.removeSubrange(..<end.upperBound)
        try decodeBody()
        return true
    }

    /// Moves complete chunks (or everything, when not chunked) from `raw` to `body`.
    private func decodeBody() throws {
        guard status != 0 else { return }
        guard chunked else {
            body += raw
            raw = []
            return
        }
        while let lineEnd = raw.firstRange(of: Array("\r\n".utf8)) {
            let sizeText = String(decoding: raw[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw EventStreamError("bad chunk size '\(sizeText)'")
            }
            if size == 0 {
                ended = true
                raw = []
                return
            }
            guard raw.count >= lineEnd.upperBound + size + 2 else { return }
            body += raw[lineEnd.upperBound..<(lineEnd.upperBound + size)]
            raw.removeSubrange(..<(lineEnd.upperBound + size + 2))
        }
    }

    /// The first complete event in `body` (comment-only blocks are skipped).
    private func takeEvent() -> ServerSentEvent? {
        while let end = body.firstRange(of: Array("\n\n".utf8)) {
            let block = String(decoding: body[..<end.lowerBound], as: UTF8.self)
            body.removeSubrange(..<end.upperBound)
            var event = ServerSentEvent(id: nil, event: nil, data: "")
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix(":") {
                let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
                let value = parts.count > 1 ? String(parts[1].drop(while: { $0 == " " })) : ""
                switch parts.first {
                case "id": event.id = value
                case "event": event.event = value
                case "data": data.append(value)
                default: break
                }
            }
            guard event.id != nil || event.event != nil || !data.isEmpty else { continue }
            event.data = data.joined(separator: "\n")
            return event
        }
        return nil
    }
}

/// The event stream misbehaved or was too slow.
public struct EventStreamError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
