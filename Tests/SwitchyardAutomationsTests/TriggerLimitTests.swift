// Hostile conditions a tenant might write: patterns and substrings built to make a naive
// matcher take time exponential or quadratic in the event's text. Each gives its answer.

@testable import SwitchyardAutomations
import SwitchyardCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct TriggerLimitTests {
    static let manyAs: JSONValue = ["text": .string(String(repeating: "a", count: 100_000))]

    @Test func aCatastrophicPatternIsMatchedWithoutBacktracking() throws {
        #expect(try !TriggerTesting.holds("$.text", .matches, "(a|a)*b", in: Self.manyAs))
        #expect(try !TriggerTesting.holds("$.text", .matches, "^(a+)+$b", in: Self.manyAs))
        #expect(try TriggerTesting.holds("$.text", .matches, "^(a|a)*$", in: Self.manyAs))
    }

    @Test func aLongAlmostMatchingSubstringIsSearchedWithoutStartingOver() throws {
        let almost = String(repeating: "a", count: 1_000) + "b"
        #expect(try !TriggerTesting.holds("$.text", .contains, .string(almost), in: Self.manyAs))
        let text = String(repeating: "a", count: 100_000) + "b"
        #expect(try TriggerTesting.holds("$.text", .contains, .string(almost), in: ["text": .string(text)]))
    }
}
