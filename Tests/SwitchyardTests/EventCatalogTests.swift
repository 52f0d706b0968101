import Switchyard
import SwitchyardCore
import Testing

/// The event catalog's validation and who may send what, and topic matching of bindings.
@Suite struct EventCatalogTests {
    @Test func aValidBodyPassesAndEachProblemNamesItsField() {
        #expect(throws: Never.self) {
            try EventCatalog.validate(type: "conversation.ended", body: ["v": 1, "conversation_id": "c", "extra": true])
            try EventCatalog.validate(
                type: "conversation.ended", body: ["v": 1, "conversation_id": "c", "transcript": [[:], ["role": "user", "content": "hi"]]])
            // The texts the worker reads line by line, and transcripts where the vendor puts them.
            try EventCatalog.validate(type: "conversation.ended", body: ["v": 1, "conversation_id": "c", "transcript": "user: hi"])
            try EventCatalog.validate(
                type: "conversation.ended", body: ["v": 1, "conversation_id": "c", "properties": ["transcript": "\nPatient: We need booking\n"]])
            try EventCatalog.validate(
                type: "conversation.ended", body: ["v": 1, "conversation_id": "c", "data": ["transcript": [["role": "user", "content": "hi"]]]])
        }
        let cases: [(String, JSONValue, String)] = [
            ("no.such.type", ["v": 1], "type"),
            ("conversation.ended", "not an object", "body"),
            ("conversation.ended", ["conversation_id": "c"], "body.v"),
            ("conversation.ended", ["v": 2, "conversation_id": "c"], "body.v"),
            ("conversation.ended", ["v": 1], "body.conversation_id"),
            ("conversation.ended", ["v": 1, "conversation_id": 5], "body.conversation_id"),
            // Found by the fleet fuzzer: the analysis worker dead-lettered a conversation without an id.
            ("conversation.ended", ["v": 1, "conversation_id": ""], "body.conversation_id"),
            ("chatbot.sentiment.analysed", ["v": 1, "chatbot_id": "b", "sentiment": ""], "body.sentiment"),
            ("chatbot.sentiment.analysed", ["v": 1, "chatbot_id": "b", "sentiment": "ok", "score": "high"], "body.score"),
            // Transcripts the analysis worker could only dead-letter.
            ("conversation.ended", ["v": 1, "conversation_id": "c", "transcript": [[:]]], "body.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "transcript": [5]], "body.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "transcript": [["role": true, "content": [:]]]], "body.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "transcript": [["role": "user", "content": " \n"]]], "body.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "transcript": "user:  \n \n"], "body.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "transcript": 7], "body.transcript"),
            // Found by the fleet fuzzer: the vendor's webhook carries the transcript in properties.
            ("conversation.ended", ["v": 1, "conversation_id": "c", "properties": ["transcript": [false, [["role": "user"]]]]],
             "body.properties.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "properties": ["transcript": ["k1": 1]]], "body.properties.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "data": ["transcript": [["content": "hi", "role": ["user"]]]]],
             "body.data.transcript"),
            ("conversation.ended", ["v": 1, "conversation_id": "c", "data": "text"], "body.data"),
        ]
        for (type, body, field) in cases {
            let error = #expect(throws: EventValidationError.self) { try EventCatalog.validate(type: type, body: body) }
            #expect(error?.field == field, "\(type) \(body): \(error?.message ?? "")")
        }
    }

    /// A caller's value is quoted, not repeated: a 70 KB `v` or type name made a 70 KB answer.
    @Test func messagesQuoteAnExcerptOfTheCallersValue() {
        let long = String(repeating: "x", count: 70_000)
        let version = #expect(throws: EventValidationError.self) {
            try EventCatalog.validate(type: "conversation.ended", body: ["v": .string(long + "\u{0}"), "conversation_id": "c"])
        }
        #expect(version?.message == "expected 1, got \"\(String(repeating: "x", count: 80))\"…")
        let nested = #expect(throws: EventValidationError.self) {
            try EventCatalog.validate(type: "conversation.ended", body: ["v": .array(Array(repeating: [[1]], count: 10_000)), "conversation_id": "c"])
        }
        #expect(nested?.message == "expected 1, got an array of 10000 elements")
        let type = #expect(throws: EventValidationError.self) { try EventCatalog.validate(type: "a\r\nb\u{85}" + long, body: ["v": 1]) }
        #expect(type?.message.hasPrefix(#"unknown event type "a\r\nb\u0085xx"#) == true && (type?.message.count ?? .max) < 200, "\(type?.message ?? "")")
        #expect(JSONValue.int(2).excerpt() == "2" && JSONValue.string("two").excerpt() == "\"two\"" && JSONValue.object(["a": [1, nil]]).excerpt() == #"{"a":[1,null]}"#)
    }

    @Test func everyExampleIsValidAndTheSystemsOwnTypesAreMarked() throws {
        for type in EventCatalog.types {
            try EventCatalog.validate(type: type.name, body: type.example)
        }
        let origins = Dictionary(uniqueKeysWithValues: EventCatalog.types.map { ($0.name, $0.origin) })
        for name in ["plan.requested", "build.requested", "generation.requested", "workflow.step", "build.reported"] {
            #expect(origins[name] == .system, "\(name)")
        }
        #expect(origins["probe.run"] == .diagnostic)
        #expect(origins["conversation.ended"] == .producers)
    }

    @Test func topicPatternsMatchAsRabbitMQMatchesThem() {
        let cases: [(String, String, Bool)] = [
            ("probe.#", "probe.run", true), ("probe.#", "probe", true), ("probe.#", "probe.a.b", true),
            ("probe.*", "probe.run", true), ("probe.*", "probe", false), ("probe.*", "probe.a.b", false),
            ("chatbot.#", "chatbot.message.received", true), ("#", "anything.at.all", true),
            ("conversation.ended", "conversation.ended", true), ("conversation.ended", "conversation.started", false),
            ("*.ended", "conversation.ended", true), ("#.ended", "a.b.ended", true), ("#.ended", "a.b.started", false),
        ]
        for (pattern, key, matches) in cases {
            #expect(Topology.topic(pattern, matches: key) == matches, "\(pattern) ~ \(key)")
        }
    }
}
