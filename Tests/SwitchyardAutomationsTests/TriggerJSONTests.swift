// A trigger as the API shows and stores it: every default spelled out, read back the same.

@testable import SwitchyardAutomations
import SwitchyardCore
import Testing

@Suite struct TriggerJSONTests {
    @Test func theJSONSpellsOutTheDefaults() throws {
        let trigger = try TriggerTesting.trigger(["event_type": "chatbot.message.received"])
        #expect(trigger.json == ["event_type": "chatbot.message.received", "conditions": [], "match": "all"])
    }

    @Test func theJSONKeepsEachConditionAsGivenAndLeavesOutAnAbsentValue() throws {
        let trigger = Trigger(eventType: "chatbot.sentiment.analysed", conditions: [
            TriggerCondition(path: "$.polarity", op: .lt, value: .double(-0.5)),
            TriggerCondition(path: "$.reply", op: .eq, value: .null),
            TriggerCondition(path: "$.user.tier", op: .exists, value: nil),
        ], match: .any)
        #expect(trigger.json == [
            "event_type": "chatbot.sentiment.analysed",
            "conditions": [
                ["path": "$.polarity", "op": "lt", "value": -0.5],
                ["path": "$.reply", "op": "eq", "value": .null],
                ["path": "$.user.tier", "op": "exists"],
            ],
            "match": "any",
        ])
    }

    @Test func theJSONRoundTripsThroughTheValidator() throws {
        let json = try TriggerTesting.json("""
            {"event_type": "chatbot.sentiment.analysed", "match": "any",
             "conditions": [{"path": "$.polarity", "op": "lt", "value": -0.5},
                            {"path": "$.text", "op": "matches", "value": "refund|cancel"},
                            {"path": "$['a b'][0]", "op": "in", "value": [1, "two", null, {"x": [3]}]},
                            {"path": "$.user.tier", "op": "starts_with", "value": "gold"},
                            {"path": "$.tags", "op": "contains", "value": "vip"},
                            {"path": "$.reply", "op": "ne", "value": null},
                            {"path": "$.gone", "op": "exists", "value": false},
                            {"path": "$.here", "op": "exists"}]}
            """)
        let trigger = try TriggerTesting.trigger(json)
        #expect(trigger.conditions.count == 8)
        #expect(trigger.json == json)
        #expect(try TriggerTesting.trigger(trigger.json) == trigger)
    }

    @Test func everyOperatorRoundTripsByItsName() throws {
        for op in TriggerOperator.allCases {
            let value: JSONValue = switch op {
            case .in: ["x"]
            case .exists: false
            default: "x"
            }
            let trigger = Trigger(
                eventType: "chatbot.message.received", conditions: [TriggerCondition(path: "$.a", op: op, value: value)], match: .all)
            #expect(trigger.json["conditions"]?[0]?["op"] == .string(op.rawValue))
            #expect(try TriggerTesting.trigger(trigger.json) == trigger, "\(op)")
        }
    }
}
