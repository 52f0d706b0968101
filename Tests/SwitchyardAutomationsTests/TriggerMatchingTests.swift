// Every operator against bodies it matches and bodies it doesn't: RFC 9535 comparisons, a path
// that selects nothing, type mismatches, all and any.

@testable import SwitchyardAutomations
import SwitchyardCore
import Testing

@Suite struct TriggerMatchingTests {
    static let body: JSONValue = [
        "v": 1, "chatbot_id": "bot-1", "text": "I want a refund please", "polarity": .double(-0.75), "count": .int(3),
        "user": ["tier": "gold", "tags": ["vip", .int(7), ["nested": true]]],
        "a b": [10, 20], "flag": false, "nothing": nil, "accented": "cafe\u{301} noir",
    ]

    func holds(_ path: String, _ op: TriggerOperator, _ value: JSONValue? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        try TriggerTesting.holds(path, op, value, in: Self.body, sourceLocation: sourceLocation)
    }

    @Test func eqComparesNumbersByValueStringsByCodePointsAndContainersDeeply() throws {
        #expect(try holds("$.count", .eq, .int(3)))
        #expect(try holds("$.count", .eq, .double(3.0)))
        #expect(try holds("$.polarity", .eq, .double(-0.75)))
        #expect(try !holds("$.count", .eq, .int(4)))
        #expect(try holds("$.user.tier", .eq, "gold"))
        #expect(try !holds("$.user.tier", .eq, "Gold"))
        #expect(try holds("$.user.tags", .eq, ["vip", .double(7.0), ["nested": true]]))
        #expect(try !holds("$.user.tags", .eq, ["vip", .int(7)]))
        #expect(try holds("$.nothing", .eq, .null))
        #expect(try holds("$.flag", .eq, false))
        // "e\u{301}" and "\u{E9}" are the same Character to Swift, different strings to RFC 9535.
        #expect(try !holds("$.accented", .eq, "caf\u{E9} noir"))
    }

    @Test func eqIsFalseForATypeMismatchOrAMissingPath() throws {
        #expect(try !holds("$.count", .eq, "3"))
        #expect(try !holds("$.flag", .eq, .int(0)))
        #expect(try !holds("$.missing", .eq, .null))
        #expect(try !holds("$.user.tier.deeper", .eq, "gold"))
    }

    @Test func neIsTheNegationOfEqAndTrueWhenThePathSelectsNothing() throws {
        #expect(try holds("$.count", .ne, .int(4)))
        #expect(try !holds("$.count", .ne, .double(3.0)))
        #expect(try holds("$.count", .ne, "3"))
        #expect(try holds("$.missing", .ne, .int(1)))
        #expect(try holds("$.missing", .ne, .null))
    }

    @Test func orderingComparesIntegersWithDoublesByValue() throws {
        #expect(try holds("$.count", .lt, .double(3.5)))
        #expect(try !holds("$.count", .lt, .int(3)))
        #expect(try holds("$.count", .lte, .double(3.0)))
        #expect(try !holds("$.count", .lte, .double(2.9)))
        #expect(try holds("$.count", .gt, .double(2.5)))
        #expect(try !holds("$.count", .gt, .double(3.0)))
        #expect(try holds("$.count", .gte, .int(3)))
        #expect(try !holds("$.count", .gte, .double(3.01)))
        #expect(try holds("$.polarity", .lt, .double(-0.5)))
        #expect(try !holds("$.polarity", .lt, .int(-1)))
        #expect(try holds("$.polarity", .gt, .int(-1)))
    }

    @Test func orderingComparesStringsByCodePoints() throws {
        #expect(try holds("$.user.tier", .lt, "silver"))
        #expect(try !holds("$.user.tier", .gt, "silver"))
        #expect(try holds("$.user.tier", .lte, "gold"))
        #expect(try holds("$.user.tier", .gte, "gold"))
        #expect(try holds("$.user.tier", .gt, "Zebra"), "every capital comes before every small letter")
    }

    @Test func orderingIsFalseForATypeMismatchOrAMissingPath() throws {
        #expect(try !holds("$.user.tier", .lt, .int(5)))
        #expect(try !holds("$.count", .gt, "a"))
        #expect(try !holds("$.flag", .lte, "true"))
        for op in [TriggerOperator.lt, .lte, .gt, .gte] {
            #expect(try !holds("$.missing", op, .int(1)), "\(op)")
        }
    }

    @Test func inLooksForAnEqualValue() throws {
        #expect(try holds("$.user.tier", .in, ["silver", "gold"]))
        #expect(try !holds("$.user.tier", .in, ["silver", "bronze"]))
        #expect(try holds("$.count", .in, [.int(1), .double(3.0)]))
        #expect(try !holds("$.count", .in, ["3"]))
        #expect(try !holds("$.missing", .in, [nil]))
        #expect(try !holds("$.count", .in, []))
    }

    @Test func containsFindsASubstringOfAString() throws {
        #expect(try holds("$.text", .contains, "refund"))
        #expect(try !holds("$.text", .contains, "Refund"))
        #expect(try holds("$.text", .contains, ""))
        #expect(try !holds("$.text", .contains, .int(7)))
        // By code points: Swift's Character-based search would not find "cafe" in "cafe\u{301}".
        #expect(try holds("$.accented", .contains, "cafe"))
        #expect(try !holds("$.missing", .contains, "refund"))
        #expect(try !holds("$.count", .contains, .int(3)))
    }

    @Test func containsFindsOverlappingSubstringsWithoutStartingOver() throws {
        #expect(try TriggerTesting.holds("$.t", .contains, "ababca", in: ["t": "abababca"]))
        #expect(try !TriggerTesting.holds("$.t", .contains, "ababca", in: ["t": "abababcb"]))
        #expect(try TriggerTesting.holds("$.t", .contains, "aabaaab", in: ["t": "aabaabaaab"]))
        #expect(try TriggerTesting.holds("$.t", .contains, "ü", in: ["t": "Grüße"]))
    }

    @Test func containsFindsAnEqualElementOfAnArray() throws {
        #expect(try holds("$.user.tags", .contains, "vip"))
        #expect(try holds("$.user.tags", .contains, .double(7.0)))
        #expect(try holds("$.user.tags", .contains, ["nested": true]))
        #expect(try !holds("$.user.tags", .contains, "vi"), "elements are compared whole")
        #expect(try !holds("$.user.tags", .contains, ["nested": false]))
    }

    @Test func startsWithComparesCodePoints() throws {
        #expect(try holds("$.text", .startsWith, "I want"))
        #expect(try !holds("$.text", .startsWith, "want"))
        #expect(try holds("$.accented", .startsWith, "cafe"))
        #expect(try !holds("$.user.tags", .startsWith, "vip"))
        #expect(try !holds("$.missing", .startsWith, ""))
    }

    @Test func matchesSearchesForThePatternAnywhereUnlessAnchored() throws {
        #expect(try holds("$.text", .matches, "refund|cancel"))
        #expect(try !holds("$.text", .matches, "cancel|return"))
        #expect(try holds("$.text", .matches, "re[a-z]+d"))
        #expect(try holds("$.text", .matches, "^I want"))
        #expect(try !holds("$.text", .matches, "^refund"))
        #expect(try holds("$.text", .matches, "please$"))
        #expect(try !holds("$.text", .matches, "refund$"))
        #expect(try !holds("$.count", .matches, "3"))
        #expect(try !holds("$.missing", .matches, ".*"))
    }

    @Test func existsTellsWhetherThePathSelectsANode() throws {
        #expect(try holds("$.user.tier", .exists))
        #expect(try holds("$.user.tier", .exists, true))
        #expect(try !holds("$.user.tier", .exists, false))
        #expect(try holds("$.nothing", .exists), "a null member is a node")
        #expect(try !holds("$.missing", .exists))
        #expect(try holds("$.missing", .exists, false))
        #expect(try !holds("$.text.length", .exists), "a string has no members")
    }

    @Test func pathsWithBracketsAndIndicesSelectTheirNode() throws {
        #expect(try holds("$['a b'][0]", .eq, .int(10)))
        #expect(try holds("$['a b'][-1]", .eq, .int(20)))
        #expect(try !holds("$['a b'][2]", .exists))
        #expect(try holds("$.user.tags[2].nested", .eq, true))
    }

    @Test func allNeedsEveryConditionAndReturnsThemWithTheirValues() throws {
        let polarity: JSONValue = ["path": "$.polarity", "op": "lt", "value": -0.5]
        let refund: JSONValue = ["path": "$.text", "op": "matches", "value": "refund|cancel"]
        let gone: JSONValue = ["path": "$.missing", "op": "ne", "value": 1]
        let trigger = try TriggerTesting.compiled([polarity, refund, gone], match: .all)
        let matched = try #require(trigger.evaluate(Self.body))
        #expect(matched.map(\.condition.path) == ["$.polarity", "$.text", "$.missing"])
        #expect(matched.map(\.actual) == [.double(-0.75), "I want a refund please", .none])
        var happier = Self.body.object ?? [:]
        happier["polarity"] = .double(0.2)
        #expect(trigger.evaluate(.object(happier)) == nil)
    }

    @Test func anyNeedsOneConditionAndReturnsThoseThatHeld() throws {
        let polarity: JSONValue = ["path": "$.polarity", "op": "gt", "value": 0]
        let refund: JSONValue = ["path": "$.text", "op": "contains", "value": "refund"]
        let vip: JSONValue = ["path": "$.user.tags", "op": "contains", "value": "vip"]
        let trigger = try TriggerTesting.compiled([polarity, refund, vip], match: .any)
        let matched = try #require(trigger.evaluate(Self.body))
        #expect(matched.map(\.condition.path) == ["$.text", "$.user.tags"])
        #expect(trigger.evaluate(["text": "hello", "polarity": -1]) == nil)
        #expect(trigger.evaluate(["polarity": 0.5])?.map(\.actual) == [.double(0.5)])
        #expect(try TriggerTesting.compiled([polarity, refund, vip], match: .all).evaluate(Self.body) == nil)
    }

    @Test func withoutConditionsTheEventTypeAloneMatches() throws {
        let trigger = CompiledTrigger(try TriggerTesting.trigger(["event_type": "chatbot.image.analysed"]))
        #expect(trigger.eventType == "chatbot.image.analysed")
        #expect(trigger.evaluate(Self.body) == [])
        #expect(trigger.evaluate("not even an object") == [])
    }

    @Test func aMatchedConditionShowsWhatThePathSelected() throws {
        let trigger = try TriggerTesting.compiled([
            ["path": "$.user.tier", "op": "in", "value": ["gold", "platinum"]],
            ["path": "$.missing", "op": "exists", "value": false],
            ["path": "$.text", "op": "exists"],
        ])
        let matched = try #require(trigger.evaluate(Self.body))
        #expect(matched.map(\.json) == [
            ["path": "$.user.tier", "op": "in", "value": ["gold", "platinum"], "actual": "gold"],
            ["path": "$.missing", "op": "exists", "value": false],
            ["path": "$.text", "op": "exists", "actual": "I want a refund please"],
        ])
    }

    @Test func aConditionTheValidatorWouldRefuseNeverHolds() {
        func matches(_ condition: TriggerCondition) -> Bool {
            CompiledTrigger(Trigger(eventType: "chatbot.message.received", conditions: [condition], match: .all))
                .evaluate(Self.body) != nil
        }
        #expect(matches(TriggerCondition(path: "$.missing", op: .ne, value: 1)))
        #expect(!matches(TriggerCondition(path: "missing", op: .ne, value: 1)), "a path that doesn't compile")
        #expect(!matches(TriggerCondition(path: "$.missing", op: .ne, value: nil)), "no value to compare with")
        #expect(!matches(TriggerCondition(path: "$.text", op: .matches, value: "(refund")), "a pattern that doesn't compile")
        #expect(!matches(TriggerCondition(path: "$.missing", op: .exists, value: "no")))
    }
}
