import Logging
import Switchyard
import Synchronization
import Testing

/// A warning that an outage would repeat per request is logged once per interval, and the
/// requests held back in between are counted into the next line.
@Suite struct ThrottledWarningTests {
    @Test func theFirstIsLoggedAndTheOnesWithinTheIntervalAreCountedIntoTheNextLine() async throws {
        let lines = LoggedLines()
        let logger = Logger(label: "throttled") { _ in CapturingLogHandler(lines: lines) }
        let warning = ThrottledWarning("events not accepted", interval: .milliseconds(300))

        warning.log(to: logger, count: 3, metadata: ["error": "first"])
        for _ in 0..<10 { warning.log(to: logger, metadata: ["error": "again"]) }
        let first = try #require(lines.all.first)
        #expect(lines.all.count == 1, "\(lines.all)")
        #expect(first.message == "events not accepted")
        #expect(first.metadata == ["error": "first", "count": "3"], "no held_back on the first line")

        // Once the interval has passed, the next failure is logged with what was held back.
        var sent = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while lines.all.count < 2, ContinuousClock.now < deadline {
            warning.log(to: logger, metadata: ["error": "later"])
            sent += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        let second = try #require(lines.all.dropFirst().first, "no second line within 10 s")
        #expect(second.metadata["error"] == "later" && second.metadata["count"] == "1")
        #expect(second.metadata["held_back"] == "\(10 + sent - 1)", "every failure counted: \(second.metadata)")
        #expect(sent > 1, "the failures right after the first line were held back")
    }

    @Test func eachWarningIsThrottledOnItsOwn() {
        let lines = LoggedLines()
        let logger = Logger(label: "throttled") { _ in CapturingLogHandler(lines: lines) }
        let database = ThrottledWarning("database failure", interval: .seconds(3_600))
        let broker = ThrottledWarning("broker refused", interval: .seconds(3_600))
        for _ in 0..<5 {
            database.log(to: logger, metadata: [:])
            broker.log(to: logger, metadata: [:])
        }
        #expect(lines.all.map(\.message) == ["database failure", "broker refused"])
    }
}

/// The lines a ``CapturingLogHandler`` received.
private final class LoggedLines: Sendable {
    struct Line: Sendable {
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    var all: [Line] { lines.withLock { $0 } }

    func append(_ line: Line) { lines.withLock { $0.append(line) } }
}

/// Keeps what is logged, for the test to read.
private struct CapturingLogHandler: LogHandler {
    let lines: LoggedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append(LoggedLines.Line(
            message: event.message.description,
            metadata: (event.metadata ?? [:]).mapValues { "\($0)" }))
    }
}
