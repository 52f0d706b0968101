import Foundation
@testable import SwitchyardRuntime
import Testing

/// The log lines are JSON a shipper can parse, whatever the metadata holds.
@Suite struct JSONLogHandlerTests {
    @Test func aLineIsOneJSONObjectWithEveryFieldEscaped() throws {
        let fields = ["msg": "quote \" backslash \\ newline \n tab \t bell \u{7} ünïcödé", "b": "2", "a": "1"]
        let line = JSONLogHandler.line(fields.map { ($0.key, $0.value) })
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "one line")
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(line))
        #expect(decoded == fields)
        #expect(String(decoding: line, as: UTF8.self).hasPrefix(#"{"a":"1","b":"2","msg""#), "keys sorted")
    }

    @Test func ofAKeyGivenTwiceTheLaterValueIsWritten() throws {
        let line = JSONLogHandler.line([("role", "handler"), ("msg", "processed"), ("role", "event"), ("a", "1")])
        #expect(String(decoding: line, as: UTF8.self) == #"{"a":"1","msg":"processed","role":"event"}"# + "\n")
    }

    @Test func timestampsAreUTCWithMilliseconds() throws {
        let stamp = JSONLogHandler.timestamp()
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(stamp)")
        let parsed = try #require(try? Date(stamp, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
        #expect(abs(parsed.timeIntervalSinceNow) < 5)
    }
}
