// Trigger validation: every problem at its JSON Pointer into the request, saying what was
// expected and what was got.

@testable import SwitchyardAutomations
import SwitchyardAPI
import SwitchyardCore
import Testing

@Suite struct TriggerValidatorTests {
    static let expectedType = "expected a chatbot event type (chatbot.message.received, chatbot.sentiment.analysed, chatbot.image.analysed, chatbot.conversation.started, chatbot.conversation.ended)"
    static let expectedOp = "expected one of eq, ne, lt, lte, gt, gte, in, contains, starts_with, matches, exists"

    /// Each problem as `pointer: message`; none when the trigger is valid.
    func problems(_ json: JSONValue) -> [String] {
        switch TriggerValidator.validate(json, at: TriggerTesting.root) {
        case .success: []
        case .failure(let problems): problems.problems.map { "\($0.field): \($0.message)" }
        }
    }

    func problems(_ text: String) throws -> [String] {
        problems(try TriggerTesting.json(text))
    }

    /// The problems of a trigger with this one condition.
    func problems(condition text: String) throws -> [String] {
        try problems(#"{"event_type": "chatbot.message.received", "conditions": ["# + text + "]}")
    }

    @Test func theBriefsExampleIsValid() throws {
        let trigger = try TriggerTesting.trigger(try TriggerTesting.json("""
            {"event_type": "chatbot.sentiment.analysed",
             "conditions": [{"path": "$.polarity", "op": "lt", "value": -0.5}, {"path": "$.text", "op": "matches", "value": "refund|cancel"}],
             "match": "all"}
            """))
        #expect(trigger == Trigger(eventType: "chatbot.sentiment.analysed", conditions: [
            TriggerCondition(path: "$.polarity", op: .lt, value: .double(-0.5)),
            TriggerCondition(path: "$.text", op: .matches, value: "refund|cancel"),
        ], match: .all))
    }

    @Test func conditionsAndMatchHaveDefaults() throws {
        let trigger = try TriggerTesting.trigger(["event_type": "chatbot.message.received"])
        #expect(trigger == Trigger(eventType: "chatbot.message.received", conditions: [], match: .all))
        #expect(try TriggerTesting.trigger(["event_type": "chatbot.message.received", "match": "any"]).match == .any)
    }

    @Test func everyOperatorIsAcceptedWithTheValueItTakes() throws {
        let values: [TriggerOperator: JSONValue] = [
            .eq: .null, .ne: ["a": [1]], .lt: 1.5, .lte: "m", .gt: -3, .gte: "a", .in: [1, "a", .null], .contains: 7,
            .startsWith: "I ", .matches: "^(refund|cancel)$", .exists: false,
        ]
        for op in TriggerOperator.allCases {
            let value = try #require(values[op], "\(op)")
            #expect(try problems(condition: #"{"path": "$.a", "op": "\#(op.rawValue)", "value": \#(value.jsonText)}"#) == [], "\(op)")
        }
        #expect(try problems(condition: #"{"path": "$.a", "op": "exists"}"#) == [])
    }

    @Test func aTriggerMustBeAnObject() throws {
        #expect(try problems("[]") == ["/trigger: expected a trigger object {event_type, conditions?, match?}, got array"])
        #expect(try problems("null") == ["/trigger: expected a trigger object {event_type, conditions?, match?}, got null"])
    }

    @Test func theEventTypeMustBeAChatbotTypeOfTheCatalog() throws {
        #expect(try problems(#"{"event_type": "chatbot.teleported"}"#)
            == [#"/trigger/event_type: \#(Self.expectedType), got "chatbot.teleported", which is not in the event catalog"#])
        #expect(try problems(#"{"event_type": "conversation.ended"}"#)
            == [#"/trigger/event_type: \#(Self.expectedType), got "conversation.ended", which is not a chatbot event"#])
        #expect(try problems(#"{"conditions": []}"#) == ["/trigger/event_type: \(Self.expectedType), got nothing"])
        #expect(try problems(#"{"event_type": 7}"#) == ["/trigger/event_type: \(Self.expectedType), got number"])
    }

    @Test func conditionsMustBeAnArrayOfAtMostTwentyObjects() throws {
        #expect(try problems(#"{"event_type": "chatbot.message.received", "conditions": {"path": "$.a"}}"#)
            == ["/trigger/conditions: expected an array of conditions {path, op, value?}, got object"])
        #expect(try problems(condition: #""$.a == 1""#)
            == ["/trigger/conditions/0: expected a condition object {path, op, value?}, got string"])
        let condition: JSONValue = ["path": "$.a", "op": "exists"]
        let twenty: JSONValue = ["event_type": "chatbot.message.received", "conditions": .array(Array(repeating: condition, count: 20))]
        #expect(problems(twenty) == [])
        let more: JSONValue = ["event_type": "chatbot.message.received", "conditions": .array(Array(repeating: condition, count: 21))]
        #expect(problems(more) == ["/trigger/conditions: expected at most 20 conditions, got 21"])
    }

    @Test func theOperatorMustBeKnown() throws {
        #expect(try problems(condition: #"{"path": "$.a", "op": "equals", "value": 1}"#)
            == [#"/trigger/conditions/0/op: \#(Self.expectedOp), got "equals""#])
        #expect(try problems(condition: #"{"path": "$.a", "op": "startsWith", "value": "x"}"#)
            == [#"/trigger/conditions/0/op: \#(Self.expectedOp), got "startsWith""#])
        #expect(try problems(condition: #"{"path": "$.a", "op": "e\"q\u0001\n", "value": 1}"#)
            == [#"/trigger/conditions/0/op: \#(Self.expectedOp), got "e\"q\u0001\n""#], "quoted as JSON")
        #expect(try problems(condition: #"{"path": "$.a", "value": 1}"#) == ["/trigger/conditions/0/op: \(Self.expectedOp), got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": ["eq"], "value": 1}"#)
            == ["/trigger/conditions/0/op: \(Self.expectedOp), got array"])
    }

    @Test func aValueIsRequiredExceptForExists() throws {
        #expect(try problems(condition: #"{"path": "$.a", "op": "eq"}"#)
            == ["/trigger/conditions/0/value: expected a value to compare with (any JSON value), got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": "ne"}"#)
            == ["/trigger/conditions/0/value: expected a value to compare with (any JSON value), got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": "contains"}"#)
            == ["/trigger/conditions/0/value: expected a value to look for (a substring, or an element of an array), got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": "gte"}"#)
            == ["/trigger/conditions/0/value: expected a number or a string to compare with, got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": "in"}"#)
            == ["/trigger/conditions/0/value: expected an array of values, got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": "starts_with"}"#)
            == ["/trigger/conditions/0/value: expected a string the value starts with, got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": "matches"}"#)
            == ["/trigger/conditions/0/value: expected an I-Regexp pattern (RFC 9485), got nothing"])
        #expect(try problems(condition: #"{"path": "$.a", "op": "eq", "value": null}"#) == [], "null is a value to compare with")
    }

    @Test func eachOperatorRefusesAValueOfTheWrongType() throws {
        let cases: [(condition: String, message: String)] = [
            (#"{"path": "$.a", "op": "lt", "value": true}"#, "expected a number or a string to compare with, got boolean"),
            (#"{"path": "$.a", "op": "lte", "value": null}"#, "expected a number or a string to compare with, got null"),
            (#"{"path": "$.a", "op": "gt", "value": [1]}"#, "expected a number or a string to compare with, got array"),
            (#"{"path": "$.a", "op": "gte", "value": {"n": 1}}"#, "expected a number or a string to compare with, got object"),
            (#"{"path": "$.a", "op": "in", "value": "gold"}"#, "expected an array of values, got string"),
            (#"{"path": "$.a", "op": "starts_with", "value": 5}"#, "expected a string the value starts with, got number"),
            (#"{"path": "$.a", "op": "matches", "value": ["refund"]}"#, "expected an I-Regexp pattern (RFC 9485), got array"),
            (#"{"path": "$.a", "op": "exists", "value": "yes"}"#, "expected true or false (or no value, meaning true), got string"),
            (#"{"path": "$.a", "op": "exists", "value": null}"#, "expected true or false (or no value, meaning true), got null"),
        ]
        for (condition, message) in cases {
            #expect(try problems(condition: condition) == ["/trigger/conditions/0/value: \(message)"])
        }
    }

    @Test func inTakesAtMostAThousandValues() throws {
        let values = (0...1000).map { String($0) }.joined(separator: ",")
        #expect(try problems(condition: #"{"path": "$.a", "op": "in", "value": [\#(values)]}"#)
            == ["/trigger/conditions/0/value: expected an array of at most 1000 values, got 1001 values"])
        let thousand = (1...1000).map { String($0) }.joined(separator: ",")
        #expect(try problems(condition: #"{"path": "$.a", "op": "in", "value": [\#(thousand)]}"#) == [])
    }

    @Test func matchesTakesAValidIRegexp() throws {
        #expect(try problems(condition: #"{"path": "$.a", "op": "matches", "value": "(refund"}"#)
            == [#"/trigger/conditions/0/value: expected an I-Regexp pattern (RFC 9485), got "(refund", which is not one"#])
        // Valid in most engines, not in I-Regexp: a lookahead and a backreference.
        #expect(try problems(condition: #"{"path": "$.a", "op": "matches", "value": "(?=a)"}"#).count == 1)
        #expect(try problems(condition: #"{"path": "$.a", "op": "matches", "value": "(a)\\1"}"#).count == 1)
    }

    @Test func anInvalidPathIsNamedWithItsPosition() throws {
        #expect(try problems(condition: #"{"path": "$.a[", "op": "exists"}"#)
            == [#"/trigger/conditions/0/path: expected a singular JSONPath query such as $.text, got "$.a[", which is not JSONPath: at 4: expected a selector and ']', and the query ends"#])
        #expect(try problems(condition: #"{"path": "polarity", "op": "exists"}"#).first?
            .hasPrefix(#"/trigger/conditions/0/path: expected a singular JSONPath query such as $.text, got "polarity", which is not JSONPath: at 0: "#) == true)
        #expect(try problems(condition: #"{"op": "exists"}"#)
            == ["/trigger/conditions/0/path: expected a singular JSONPath query such as $.text, got nothing"])
        #expect(try problems(condition: #"{"path": 1, "op": "exists"}"#)
            == ["/trigger/conditions/0/path: expected a singular JSONPath query such as $.text, got number"])
    }

    @Test func aPathMustSelectAtMostOneNode() throws {
        for path in ["$..text", "$.user.*", "$.tags[0:2]", "$.tags[?@ == 'vip']", "$['a','b']"] {
            #expect(try problems(condition: #"{"path": "\#(path)", "op": "exists"}"#)
                == [#"/trigger/conditions/0/path: expected a singular JSONPath query such as $.text, got "\#(path)", which may select several nodes; a path must select at most one node (names and indices only)"#])
        }
        #expect(try problems(condition: #"{"path": "$['a b'][0]", "op": "exists"}"#) == [])
        #expect(try problems(condition: #"{"path": "$", "op": "exists"}"#) == [])
    }

    @Test func matchIsAllOrAny() throws {
        #expect(try problems(#"{"event_type": "chatbot.message.received", "match": "some"}"#)
            == [#"/trigger/match: expected "all" or "any", got "some""#])
        #expect(try problems(#"{"event_type": "chatbot.message.received", "match": true}"#)
            == [#"/trigger/match: expected "all" or "any", got boolean"#])
        #expect(try problems(#"{"event_type": "chatbot.message.received", "match": null}"#)
            == [#"/trigger/match: expected "all" or "any", got null"#])
    }

    @Test func unknownFieldsAreProblemsWithEscapedPointers() throws {
        #expect(try problems(#"{"event_type": "chatbot.message.received", "colour": "red", "a/b~c": 1}"#) == [
            "/trigger/a~1b~0c: unknown field; a trigger has event_type, conditions and match",
            "/trigger/colour: unknown field; a trigger has event_type, conditions and match",
        ])
        #expect(try problems(condition: #"{"path": "$.a", "op": "exists", "negate": true}"#)
            == ["/trigger/conditions/0/negate: unknown field; a condition has path, op and value"])
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let found = try problems("""
            {"event_type": "conversation.ended", "match": "every", "extra": 1,
             "conditions": [{"path": "$.a", "op": "exists"}, {"path": "$..a", "op": "eq"}, {"path": "$.b", "op": "lt", "value": false},
                            {"path": "$.c", "op": "matches", "value": "[z-a]"}, {"path": "$.d", "op": "like", "value": 1}]}
            """)
        #expect(found == [
            "/trigger/extra: unknown field; a trigger has event_type, conditions and match",
            #"/trigger/event_type: \#(Self.expectedType), got "conversation.ended", which is not a chatbot event"#,
            #"/trigger/conditions/1/path: expected a singular JSONPath query such as $.text, got "$..a", which may select several nodes; a path must select at most one node (names and indices only)"#,
            "/trigger/conditions/1/value: expected a value to compare with (any JSON value), got nothing",
            "/trigger/conditions/2/value: expected a number or a string to compare with, got boolean",
            #"/trigger/conditions/3/value: expected an I-Regexp pattern (RFC 9485), got "[z-a]", which is not one"#,
            #"/trigger/conditions/4/op: \#(Self.expectedOp), got "like""#,
            #"/trigger/match: expected "all" or "any", got "every""#,
        ])
    }

    @Test func atMostFiftyProblemsAreReported() throws {
        let bad: JSONValue = ["path": "$..a", "op": "like", "extra": 1]
        let json: JSONValue = ["event_type": "chatbot.message.received", "conditions": .array(Array(repeating: bad, count: 30))]
        let found = problems(json)
        #expect(found.count == TriggerValidator.maximumProblems)
        #expect(found.first == "/trigger/conditions: expected at most 20 conditions, got 30")
        #expect(found.last?.hasPrefix("/trigger/conditions/16/") == true, "\(found.last ?? "")")
    }

    @Test func theProblemsAreAPIProblems() throws {
        guard case .failure(let refused) = TriggerValidator.validate(["event_type": "chatbot.nope"], at: .root) else {
            Issue.record("an unknown event type is refused")
            return
        }
        #expect(refused.problems == [APIError.Problem(
            field: "/event_type", message: #"\#(Self.expectedType), got "chatbot.nope", which is not in the event catalog"#)])
    }
}

extension JSONValue {
    /// The value as JSON text, for building requests in tests (strings here need no escaping).
    fileprivate var jsonText: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .array(let values): "[" + values.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { "\"\($0.key)\":\($0.value.jsonText)" }.joined(separator: ",") + "}"
        default: description
        }
    }
}
