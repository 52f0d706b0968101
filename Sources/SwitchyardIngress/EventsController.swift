// POST /v1/events and /v1/events:batch for producers (API key), GET /v1/event-types.

import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Switchyard
import SwitchyardAMQP
import SwitchyardAPI
import SwitchyardCore

/// Producer events: authenticated by a tenant's API key, validated against the catalog,
/// stamped with the key's tenant, published with confirms. An `Idempotency-Key` makes a retry
/// return the first answer (the same key with another body is 422). A `Switchyard-Hop` (a
/// workflow's `http` step posting the events) goes on with them as `sy-hop` (``WorkflowHops``).
struct EventsController: Sendable {
    let configuration: IngressConfiguration
    /// Records the keys of keyed requests and publishes their events, in groups.
    let acceptor: KeyedEventAcceptor
    let publisher: BrokerPublisher
    let authentication: CallerAuthentication
    let eventsExchange: String
    /// Where the events of requests without a key that the broker refused are logged.
    let log: AcceptanceLog

    static let batchLimit = 500

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.get("v1/event-types") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(["event_types": EventCatalog.types]))))
        }
        router.post("v1/events") { request, context in try await receive(request, batch: false, from: context.clientAddress) }
        router.post("v1/events:batch") { request, context in try await receive(request, batch: true, from: context.clientAddress) }
    }

    /// One event as a producer sends it.
    private struct Submitted {
        var type: String
        var body: JSONValue
        var correlationID: String?
    }

    func receive(_ request: Request, batch: Bool, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let hops = try request.workflowHops()
        try request.requireJSON()
        let bytes = try await request.body(upTo: configuration.bodyLimit)
        let events = try Self.parse(try JSONBody.parse(bytes), batch: batch, allowProbes: configuration.allowProbeEvents)
        let idempotencyKey = try IdempotencyKey(of: request, body: bytes)
        // With an idempotency key the message ids are derived from it, so even a retry after a
        // broker failure half-way through a batch republishes the same ids (inboxes absorb them).
        let ids = events.indices.map { index in
            idempotencyKey.map { Self.derivedID(tenant: caller.tenantID, scope: $0.scope, key: $0.key, index: index) }
                ?? UUID().uuidString.lowercased()
        }
        let messages = zip(events, ids).map { event, id in
            var message = OutgoingEvent(
                type: event.type, body: event.body.jsonBytes, messageID: id,
                correlationID: event.correlationID, tenantID: caller.tenantID
            ).message(exchange: eventsExchange, appID: "switchyard-ingress")
            if hops > 0 { message.properties.headers?[MessageHeaders.hop] = .int64(Int64(hops)) }
            return message
        }
        let accepted: [JSONValue] = zip(events, ids).map { .object(["event_type": .string($0.type), "message_id": .string($1)]) }
        let answerValue = JSONValue.object(batch ? ["events": .array(accepted)] : ["event": accepted[0]])
        let answer = String(decoding: answerValue.sortedJSONBytes, as: UTF8.self)
        let stored: String
        if let idempotencyKey {
            stored = try await acceptor.accept(.init(tenantID: caller.tenantID, key: idempotencyKey, answer: answer, messages: messages))
        } else {
            // Nothing to record: no transaction, no round trip to the database.
            try await publisher.accept(messages, log: log)
            stored = answer
        }
        return Response(status: .accepted, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: stored)))
    }

    /// Events from a body: `{"type","body","correlation_id"?}` or, for a batch,
    /// `{"events":[...]}` with 1 to 500 of them; each validated against the catalog, and
    /// refused (403) when only the system may emit its type.
    private static func parse(_ json: JSONValue, batch: Bool, allowProbes: Bool) throws(APIError) -> [Submitted] {
        func one(_ value: JSONValue, at path: String) throws(APIError) -> Submitted {
            guard case .object(let members) = value else {
                throw APIError(.unprocessableContent, "invalid_event", "expected an object, got \(value.kindName)", field: path.isEmpty ? nil : path)
            }
            let prefix = path.isEmpty ? "" : path + "."
            if members["tenant_id"] != nil || members["tenant"] != nil {
                throw APIError(.unprocessableContent, "invalid_event", "the tenant comes from the API key; remove it", field: prefix + "tenant_id")
            }
            guard let type = members["type"]?.string else {
                throw APIError(.unprocessableContent, "invalid_event", "expected a string event type", field: prefix + "type")
            }
            let body = members["body"] ?? .null
            do {
                try EventCatalog.validate(type: type, body: body)
            } catch {
                throw APIError(.unprocessableContent, "invalid_event", error.message, field: prefix + error.field)
            }
            // Consumers land bodies in Postgres, which holds no NUL: refused here, not dead-lettered there.
            try JSONBody.requireStorable(body, field: prefix + "body")
            switch EventCatalog.type(named: type)?.origin {
            case .system?:
                throw APIError(.forbidden, "event_type_forbidden",
                               "'\(type)' is emitted by Switchyard itself; producers may not send it (GET /v1/event-types marks what they may)",
                               field: prefix + "type")
            case .diagnostic? where !allowProbes:
                throw APIError(.forbidden, "event_type_forbidden",
                               "'\(type)' is diagnostic and refused unless the ingress runs with SWITCHYARD_ALLOW_PROBE_EVENTS=1",
                               field: prefix + "type")
            default:
                break
            }
            var correlationID: String?
            if let value = members["correlation_id"] {
                guard let string = value.string, !string.isEmpty, !string.hasControlCharacters else {
                    throw APIError(.unprocessableContent, "invalid_event", "expected a non-empty string without control characters",
                                   field: prefix + "correlation_id")
                }
                let size = string.utf8.count
                guard size <= AMQPOutgoingMessage.shortStringLimit else {
                    throw APIError(.unprocessableContent, "invalid_event",
                                   "expected at most \(AMQPOutgoingMessage.shortStringLimit) bytes (an AMQP short string), got \(size)",
                                   field: prefix + "correlation_id")
                }
                correlationID = string
            }
            return Submitted(type: type, body: body, correlationID: correlationID)
        }
        guard batch else { return [try one(json, at: "")] }
        guard case .array(let items)? = json["events"] else {
            throw APIError(.unprocessableContent, "invalid_batch", "expected {\"events\": [...]}", field: "events")
        }
        guard (1...batchLimit).contains(items.count) else {
            throw APIError(.unprocessableContent, "invalid_batch", "expected 1 to \(batchLimit) events, got \(items.count)", field: "events")
        }
        var events: [Submitted] = []
        for (index, item) in items.enumerated() { events.append(try one(item, at: "events[\(index)]")) }
        return events
    }

    /// A UUID-shaped id from the tenant, the route, the idempotency key and the position.
    private static func derivedID(tenant: String, scope: String, key: String, index: Int) -> String {
        let digest = Array(SHA256.hash(data: Data("\(tenant)\u{0}\(scope)\u{0}\(key)\u{0}\(index)".utf8)).prefix(16))
        let hex = HexText.lowercase(digest)
        return [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
            .map(String.init).joined(separator: "-")
    }
}
