// swift-log output as JSON lines on stderr: one object per event, metadata as fields.

import Foundation
public import Logging
import SwitchyardCore
import Synchronization

/// A `LogHandler` that writes each event as one JSON object on a line of its own
/// (`{"ts":"2026-11-30T02:12:28.858Z","level":"info","label":…,"msg":…,"message_id":…}`), for
/// log shippers. Keys are sorted; the line is built by hand (no JSONEncoder, no date formatter)
/// because workers log every message they process.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private static let output = Mutex(())

    /// Creates a handler; use with `LoggingSystem.bootstrap(JSONLogHandler.init)`.
    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Pairs, not a dictionary: a worker logs every message, and hashing and growing a
        // dictionary per line was a measurable share of its CPU. Later sources win a key.
        var fields: [(key: String, value: String)] = []
        fields.reserveCapacity(metadata.count + (event.metadata?.count ?? 0) + 6)
        for (key, value) in metadata { fields.append((key, "\(value)")) }
        for (key, value) in metadataProvider?.get() ?? [:] { fields.append((key, "\(value)")) }
        for (key, value) in event.metadata ?? [:] { fields.append((key, "\(value)")) }
        if let error = event.error { fields.append(("error", "\(error)")) }
        fields.append(("ts", Self.timestamp()))
        fields.append(("level", event.level.rawValue))
        fields.append(("label", label))
        fields.append(("msg", event.message.description))
        let line = Self.line(fields)
        Self.output.withLock { _ in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }

    /// One JSON object with sorted keys (of a key given twice, the later value), and a newline.
    static func line(_ fields: [(key: String, value: String)]) -> [UInt8] {
        let ordered = fields.indices.sorted { fields[$0].key < fields[$1].key || (fields[$0].key == fields[$1].key && $0 < $1) }
        var line: [UInt8] = [UInt8(ascii: "{")]
        line.reserveCapacity(256)
        var first = true
        for (position, index) in ordered.enumerated() {
            if position + 1 < ordered.count && fields[ordered[position + 1]].key == fields[index].key { continue }
            if !first { line.append(UInt8(ascii: ",")) }
            first = false
            JSONValue.writeString(fields[index].key, into: &line)
            line.append(UInt8(ascii: ":"))
            JSONValue.writeString(fields[index].value, into: &line)
        }
        line.append(UInt8(ascii: "}"))
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// Now in UTC, ISO 8601 with milliseconds: `2026-11-30T02:12:28.858Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))."
            + "\(padded(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
