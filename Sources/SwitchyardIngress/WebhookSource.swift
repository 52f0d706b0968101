// The webhook senders we accept and how each one's callbacks become our versioned events.

import Foundation
import HTTPTypes
import SwitchyardAPI
import SwitchyardCore

/// A webhook sender: `POST /v1/webhooks/{source}`.
public enum WebhookSource: String, CaseIterable, Sendable {
    /// The video-call vendor: `conversation_ended` becomes `conversation.ended`, with the
    /// callback's `properties` and `data` objects passed through (a transcript may be in either).
    case tavus
    /// The build service: `build_progress`, `build_completed` and `build_failed` become
    /// `build.reported`.
    case kiro

    /// The event a callback becomes: its type and versioned JSON body; nil for a kind of
    /// callback we do not act on (acknowledged, nothing published).
    /// - Throws: ``APIError`` 422 naming the field that is missing or of the wrong type.
    func event(from body: JSONValue) throws(APIError) -> (type: String, body: JSONValue)? {
        guard case .object = body else {
            throw APIError(.unprocessableContent, "invalid_body", "expected a JSON object, got \(body.kindName)")
        }
        switch self {
        case .tavus:
            guard try Self.string(body, "event_type") == "conversation_ended" else { return nil }
            let conversationID = try Self.string(body, "conversation_id")
            var event: [String: JSONValue] = ["v": .int(1), "conversation_id": .string(conversationID)]
            for member in ["properties", "data"] {
                if let value = body[member] {
                    guard case .object = value else { throw Self.wrongType(member, "object", value) }
                    event[member] = value
                }
            }
            if let timestamp = body["timestamp"] { event["occurred_at"] = timestamp }
            return ("conversation.ended", .object(event))
        case .kiro:
            let kind: String
            switch try Self.string(body, "event") {
            case "build_progress": kind = "progress"
            case "build_completed": kind = "completed"
            case "build_failed": kind = "failed"
            default: return nil
            }
            let buildID = try Self.string(body, "build_id")
            guard let sequenceValue = body["sequence"] else {
                throw APIError(.unprocessableContent, "invalid_body", "missing field 'sequence' (integer ≥ 0)", field: "sequence")
            }
            guard let sequence = sequenceValue.integer, sequence >= 0 else {
                throw Self.wrongType("sequence", "integer ≥ 0", sequenceValue)
            }
            guard sequence <= Int32.max else {
                throw APIError(.unprocessableContent, "invalid_body",
                               "field 'sequence': expected an integer in 0...\(Int32.max), got \(sequence)", field: "sequence")
            }
            return ("build.reported", .object([
                "v": .int(1), "build_id": .string(buildID), "kind": .string(kind), "sequence": .int(sequence),
                "details": body,
            ]))
        }
    }

    private static func string(_ body: JSONValue, _ field: String) throws(APIError) -> String {
        guard let value = body[field] else {
            throw APIError(.unprocessableContent, "invalid_body", "missing field '\(field)' (string)", field: field)
        }
        guard let string = value.string, !string.isEmpty else { throw wrongType(field, "non-empty string", value) }
        return string
    }

    private static func wrongType(_ field: String, _ expected: String, _ got: JSONValue) -> APIError {
        APIError(.unprocessableContent, "invalid_body", "field '\(field)': expected \(expected), got \(got.kindName)", field: field)
    }
}
