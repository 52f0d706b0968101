// The event catalog: every event type producers may publish, with its body schema and an
// example. One place in the code; the ingress validates against it and serves it.

/// The kinds of value a body field may hold.
public enum FieldKind: String, Sendable, Codable {
    case string, integer, number, boolean, object, array
    /// A conversation the analysis worker can read (``ConversationTurns``): an array of
    /// `{role, content}` turns, at least one with a string role and content that isn't blank (it
    /// skips the others), or a text with a line that isn't blank.
    case turns

    /// Whether `value` is of this kind.
    func admits(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.string, .string), (.integer, .int), (.number, .int), (.number, .double), (.boolean, .bool),
             (.object, .object), (.array, .array):
            true
        case (.turns, .array), (.turns, .string):
            ConversationTurns.hasReadableTurn(value)
        default:
            false
        }
    }

    /// What a value of this kind is, for messages.
    var expectation: String {
        self == .turns
            ? "a list of {role, content} turns, at least one with a string role and content that isn't blank, or a text with a line that isn't blank"
            : rawValue
    }
}

/// One field of an event body.
public struct EventField: Sendable, Codable {
    /// The member name.
    public var name: String
    /// Its kind.
    public var kind: FieldKind
    /// Whether it must be present (and, for a string, not empty: an empty id names nothing,
    /// and the analysis worker could only dead-letter a conversation without one).
    public var required: Bool
    /// What it means.
    public var summary: String
}

/// Who may publish an event type through the ingress.
public enum EventOrigin: String, Sendable, Codable {
    /// Producers in other systems (`POST /v1/events`) and webhooks.
    case producers
    /// Only Switchyard itself (a worker's follow-up, the job API): a tenant's key is refused.
    case system
    /// Diagnostics: refused from tenants' keys unless `SWITCHYARD_ALLOW_PROBE_EVENTS=1`.
    case diagnostic
}

/// An event type: its routing key, what it means, who may send it, its fields, an example body.
public struct EventType: Sendable, Codable {
    /// The type, also the routing key (`conversation.ended`).
    public var name: String
    /// What it announces.
    public var summary: String
    /// Who may publish it.
    public var origin: EventOrigin
    /// The body's fields besides `"v": 1`; others are allowed and passed on.
    public var fields: [EventField]
    /// A valid example body.
    public var example: JSONValue

    /// Creates an event type.
    public init(name: String, summary: String, origin: EventOrigin = .producers, fields: [EventField], example: JSONValue) {
        self.name = name
        self.summary = summary
        self.origin = origin
        self.fields = fields
        self.example = example
    }

    enum CodingKeys: String, CodingKey {
        case name, summary, origin, fields, example
        case producersMaySend = "producers_may_send"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decode(String.self, forKey: .summary)
        origin = try container.decode(EventOrigin.self, forKey: .origin)
        fields = try container.decode([EventField].self, forKey: .fields)
        example = try container.decode(JSONValue.self, forKey: .example)
    }

    /// Encodes the type with `producers_may_send`, so producers see at a glance what they may send.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(summary, forKey: .summary)
        try container.encode(origin, forKey: .origin)
        try container.encode(origin == .producers, forKey: .producersMaySend)
        try container.encode(fields, forKey: .fields)
        try container.encode(example, forKey: .example)
    }
}

/// A body that does not match its event type's schema.
public struct EventValidationError: Error, Sendable, Equatable {
    /// The field at fault (`body.conversation_id`, or `type`).
    public var field: String
    /// What was expected and what came.
    public var message: String
}

/// Every event type: what producers may publish and what only the system emits.
public enum EventCatalog {
    /// What `chatbot_id` means in every `chatbot.*` event.
    static let chatbotField = "The chatbot (its id from POST /v1/chatbots): only its automations, and only if it is the sender's, may run."
    static let exampleChatbot = JSONValue.string("0b7c6f4e-4c1a-4d3e-9a57-2f1d8e6b5a90")

    /// The catalog, in the order the docs list it.
    public static let types: [EventType] = [
        EventType(
            name: "conversation.ended", summary: "A recorded conversation ended; the analysis worker analyses its transcript into a project.",
            fields: [
                .init(name: "conversation_id", kind: .string, required: true, summary: "The video-call vendor's conversation id."),
                .init(name: "properties", kind: .object, required: false, summary: "Vendor properties, passed through (a transcript may be in properties.transcript)."),
                .init(name: "data", kind: .object, required: false, summary: "Vendor data, passed through (a transcript may be in data.transcript)."),
                .init(name: "transcript", kind: .turns, required: false,
                      summary: "The conversation as turns {role, content} (or a text of `Speaker: words` lines); without it the analysis worker reads properties.transcript, then data.transcript, else fetches the transcript."),
                .init(name: "properties.transcript", kind: .turns, required: false, summary: "The transcript as the video-call vendor's webhook carries it."),
                .init(name: "data.transcript", kind: .turns, required: false, summary: "The transcript in the vendor's data object."),
                .init(name: "transcript_url", kind: .string, required: false, summary: "Where to fetch the transcript from."),
            ],
            example: .object(["v": 1, "conversation_id": "c123", "transcript": .array([
                .object(["role": "user", "content": "We need a booking app for our flower shops."]),
            ])])),
        EventType(
            name: "plan.requested", summary: "A project needs a plan.", origin: .system,
            fields: [.init(name: "project_id", kind: .string, required: true, summary: "The project.")],
            example: .object(["v": 1, "project_id": "p-1"])),
        EventType(
            name: "build.requested", summary: "A planned project should be built.", origin: .system,
            fields: [.init(name: "project_id", kind: .string, required: true, summary: "The project.")],
            example: .object(["v": 1, "project_id": "p-1"])),
        EventType(
            name: "generation.requested", summary: "A carousel image generation was requested.", origin: .system,
            fields: [.init(name: "generation_id", kind: .string, required: true, summary: "The generation.")],
            example: .object(["v": 1, "generation_id": "g-1"])),
        EventType(
            name: "generation.slide", summary: "A slide of a generation's carousel is due (emitted by the imagegen worker).",
            origin: .system,
            fields: [
                .init(name: "generation_id", kind: .string, required: true, summary: "The generation."),
                .init(name: "index", kind: .integer, required: true, summary: "The slide, from 1."),
            ],
            example: .object(["v": 1, "generation_id": "g-1", "index": 1])),
        EventType(
            name: "build.reported", summary: "The build service reported progress or an outcome (from its signed webhook).",
            origin: .system,
            fields: [
                .init(name: "build_id", kind: .string, required: true, summary: "The build service's build id."),
                .init(name: "kind", kind: .string, required: true, summary: "progress, completed or failed."),
                .init(name: "sequence", kind: .integer, required: true, summary: "The callback's sequence number."),
            ],
            example: .object(["v": 1, "build_id": "b-1", "kind": "progress", "sequence": 1])),
        EventType(
            name: "workflow.step", summary: "A job's next step is due (emitted by the job API and the workflow worker).",
            origin: .system,
            fields: [
                .init(name: "job_id", kind: .string, required: true, summary: "The job."),
                .init(name: "step_id", kind: .string, required: true, summary: "The step to run."),
            ],
            example: .object(["v": 1, "job_id": "j-1", "step_id": "start"])),
        EventType(
            name: "chatbot.message.received", summary: "A chatbot received a message.",
            fields: [
                .init(name: "chatbot_id", kind: .string, required: true, summary: chatbotField),
                .init(name: "text", kind: .string, required: true, summary: "The message text."),
                .init(name: "conversation_id", kind: .string, required: false, summary: "The conversation it belongs to."),
                .init(name: "sender", kind: .object, required: false, summary: "Who sent it, as the chatbot knows them."),
            ],
            example: .object(["v": 1, "chatbot_id": exampleChatbot, "text": "I want a refund", "conversation_id": "c-1"])),
        EventType(
            name: "chatbot.sentiment.analysed", summary: "A chatbot conversation's sentiment was analysed.",
            fields: [
                .init(name: "chatbot_id", kind: .string, required: true, summary: chatbotField),
                .init(name: "sentiment", kind: .string, required: true, summary: "positive, neutral or negative."),
                .init(name: "polarity", kind: .number, required: false, summary: "From -1 (negative) to 1 (positive)."),
                .init(name: "score", kind: .number, required: false, summary: "Confidence, 0 to 1."),
                .init(name: "conversation_id", kind: .string, required: false, summary: "The conversation analysed."),
            ],
            example: .object(["v": 1, "chatbot_id": exampleChatbot, "sentiment": "negative", "polarity": -0.8, "score": 0.93])),
        EventType(
            name: "chatbot.image.analysed", summary: "An image sent to a chatbot was analysed.",
            fields: [
                .init(name: "chatbot_id", kind: .string, required: true, summary: chatbotField),
                .init(name: "labels", kind: .array, required: true, summary: "What the image shows."),
                .init(name: "image_url", kind: .string, required: false, summary: "Where the image is."),
                .init(name: "conversation_id", kind: .string, required: false, summary: "The conversation it was sent in."),
            ],
            example: .object(["v": 1, "chatbot_id": exampleChatbot, "labels": .array(["cat"])])),
        EventType(
            name: "chatbot.conversation.started", summary: "A conversation with a chatbot started.",
            fields: [
                .init(name: "chatbot_id", kind: .string, required: true, summary: chatbotField),
                .init(name: "conversation_id", kind: .string, required: true, summary: "The conversation."),
                .init(name: "channel", kind: .string, required: false, summary: "Where it happens (web, whatsapp, ...)."),
            ],
            example: .object(["v": 1, "chatbot_id": exampleChatbot, "conversation_id": "c-1", "channel": "web"])),
        EventType(
            name: "chatbot.conversation.ended", summary: "A conversation with a chatbot ended.",
            fields: [
                .init(name: "chatbot_id", kind: .string, required: true, summary: chatbotField),
                .init(name: "conversation_id", kind: .string, required: true, summary: "The conversation."),
                .init(name: "message_count", kind: .integer, required: false, summary: "How many messages it had."),
                .init(name: "duration_seconds", kind: .number, required: false, summary: "How long it lasted."),
                .init(name: "resolved", kind: .boolean, required: false, summary: "Whether the user's question was resolved."),
            ],
            example: .object(["v": 1, "chatbot_id": exampleChatbot, "conversation_id": "c-1", "message_count": 12, "resolved": true])),
        EventType(
            name: "probe.run", summary: "Diagnostic: the probe role does what the body asks (see README).", origin: .diagnostic,
            fields: [
                .init(name: "id", kind: .string, required: true, summary: "The probe's id (one probe_results row)."),
                .init(name: "sleep_ms", kind: .integer, required: false, summary: "How long the handler sleeps."),
                .init(name: "transient_failures", kind: .integer, required: false, summary: "Attempts that fail transiently."),
                .init(name: "permanent", kind: .boolean, required: false, summary: "Fail permanently."),
            ],
            example: .object(["v": 1, "id": "probe-1"])),
    ]

    /// The type called `name`.
    public static func type(named name: String) -> EventType? {
        schemas[name]?.type
    }

    /// A type with its fields' member paths split once (the ingress checks every event it takes).
    private struct Schema {
        var type: EventType
        /// Each field with the names on its path (`properties.transcript`: `properties`, `transcript`).
        var fields: [(field: EventField, path: [String])]
    }

    /// Every type's schema, by name.
    private static let schemas: [String: Schema] = Dictionary(
        types.map { type in
            (type.name, Schema(type: type, fields: type.fields.map { ($0, $0.name.split(separator: ".").map(String.init)) }))
        },
        uniquingKeysWith: { first, _ in first })

    /// Checks an event: the type is in the catalog and the body is `{"v":1, ...}` with every
    /// required field present (a required string not empty) and every known field of its kind.
    /// - Throws: ``EventValidationError`` naming the field.
    public static func validate(type name: String, body: JSONValue) throws(EventValidationError) {
        guard let schema = schemas[name] else {
            throw EventValidationError(field: "type", message: "unknown event type \(JSONValue.string(name).excerpt()); GET /v1/event-types lists them")
        }
        guard case .object(let members) = body else {
            throw EventValidationError(field: "body", message: "expected an object, got \(body.kindName)")
        }
        guard members["v"] == .int(1) else {
            throw EventValidationError(field: "body.v", message: "expected 1, got \(members["v"]?.excerpt() ?? "nothing")")
        }
        for (field, path) in schema.fields {
            guard let value = Self.member(path, of: body) else {
                if field.required {
                    throw EventValidationError(field: "body.\(field.name)", message: "missing (\(field.kind.rawValue))")
                }
                continue
            }
            guard field.kind.admits(value) else {
                let got = field.kind == .turns && (value.array != nil || value.string != nil) ? "none such" : value.kindName
                throw EventValidationError(field: "body.\(field.name)", message: "expected \(field.kind.expectation), got \(got)")
            }
            if field.required, value.string?.isEmpty == true {
                throw EventValidationError(field: "body.\(field.name)", message: "expected a non-empty string, got \"\"")
            }
        }
    }

    /// The member at `path` (the names on the way, such as `properties`, `transcript`) of
    /// `body`; nil when a name on the way is missing or not an object's.
    static func member(_ path: [String], of body: JSONValue) -> JSONValue? {
        var value: JSONValue? = body
        for name in path {
            guard case .object(let members)? = value else { return nil }
            value = members[name]
        }
        return value
    }
}
