// POST /v1/webhooks/{source}: verify the signature over the raw body, map the callback to our
// event, publish it with a confirm, remember the answer for redeliveries.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Switchyard
import SwitchyardAMQP
import SwitchyardAPI
import SwitchyardCore

/// Accepts signed webhooks. A `webhook-id` seen before (per source) is answered with the first
/// answer and publishes nothing; the receipt row and the confirmed publish happen in one
/// transaction, so a publish that fails leaves no receipt and the sender's retry starts over.
struct WebhookController: Sendable {
    let configuration: IngressConfiguration
    let acceptor: WebhookAcceptor
    let tenants: TenantDirectory
    /// Counts failed signatures against the client's address.
    let authentication: CallerAuthentication
    let eventsExchange: String
    let logger: Logger

    /// The answer to one accepted delivery.
    private struct Answer {
        var status: String
        var messageID: String?
        var eventType: String?
        var reason: String?

        /// `{"status":...,"message_id":...,"event_type":...,"reason":...}`, absent members left out.
        var jsonText: String {
            var text: [UInt8] = []
            JSONValue.writeObject(
                [
                    "status": .string(status), "message_id": messageID.map(JSONValue.string),
                    "event_type": eventType.map(JSONValue.string), "reason": reason.map(JSONValue.string),
                ], into: &text)
            return String(decoding: text, as: UTF8.self)
        }
    }

    static let webhookID = HTTPField.Name("webhook-id")!
    static let webhookTimestamp = HTTPField.Name("webhook-timestamp")!
    static let webhookSignature = HTTPField.Name("webhook-signature")!
    static let traceparent = HTTPField.Name("traceparent")!

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.post("v1/webhooks/:source") { request, context in
            try await receive(request, source: context.parameters.get("source") ?? "", from: context.clientAddress)
        }
    }

    func receive(_ request: Request, source name: String, from address: String) async throws -> Response {
        guard let source = WebhookSource(rawValue: name) else {
            throw APIError(.notFound, "unknown_source",
                           "no webhook source '\(name)'; known: \(WebhookSource.allCases.map(\.rawValue).joined(separator: ", "))",
                           field: "source")
        }
        let settings = configuration.webhooks[source] ?? .init(verifier: nil, tenantName: "default")
        guard let verifier = settings.verifier else {
            signatureFailure(source, "not_configured")
            throw APIError(.unauthorized, "source_not_configured",
                           "webhooks from '\(name)' are refused: SWITCHYARD_WEBHOOK_SECRET_\(name.uppercased()) is not set")
        }
        try authentication.refuseIfFailingTooOften(address)
        try request.requireJSON()
        let body = try await request.body(upTo: configuration.bodyLimit)
        let id = request.headers.value(of: Self.webhookID)
        if let id, id.utf8.count > AMQPOutgoingMessage.shortStringLimit {
            throw APIError(.badRequest, "invalid_webhook_id",
                           "expected at most \(AMQPOutgoingMessage.shortStringLimit) bytes (it becomes the event's AMQP message id), got \(id.utf8.count)",
                           field: "webhook-id")
        }
        do throws(StandardWebhookVerifier.Failure) {
            try verifier.verify(
                id: id, timestamp: request.headers.value(of: Self.webhookTimestamp),
                signatures: request.headers.value(of: Self.webhookSignature), body: body)
        } catch {
            signatureFailure(source, "\(error)")
            throw authentication.failed(address, Self.refusal(error))
        }
        let webhookID = id ?? ""
        let event = try source.event(from: try JSONBody.parse(body))
        if let event {
            // What the catalog refuses a worker could only dead-letter (a transcript in the
            // callback's properties that the analysis worker can't read); the event's members
            // keep the callback's names.
            do {
                try EventCatalog.validate(type: event.type, body: event.body)
            } catch {
                throw APIError(.unprocessableContent, "invalid_body", error.message, field: String(error.field.trimmingPrefix("body.")))
            }
            // The consumers land the event in Postgres, which holds no NUL: refused here, not dead-lettered there.
            try JSONBody.requireStorable(event.body, field: "")
        }
        let tenantID = try await tenants.id(named: settings.tenantName)
        let traceparent = request.headers.value(of: Self.traceparent).flatMap { Traceparent.isValid($0) ? $0 : nil }

        let answer = Answer(
            status: event == nil ? "ignored" : "accepted", messageID: event == nil ? nil : webhookID, eventType: event?.type,
            reason: event == nil ? "this kind of callback from \(name) needs no action" : nil)
        let answerJSON = answer.jsonText
        let outgoing = event.map {
            OutgoingEvent(
                type: $0.type, body: $0.body.jsonBytes, messageID: webhookID,
                tenantID: tenantID, traceparent: traceparent
            ).message(exchange: eventsExchange, appID: "switchyard-ingress")
        }
        let stored = try await acceptor.accept(WebhookAcceptor.Webhook(
            source: name, webhookID: webhookID, tenantID: tenantID, eventType: event?.type, answer: answerJSON, message: outgoing))
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: stored)))
    }

    private func signatureFailure(_ source: WebhookSource, _ reason: String) {
        Counter(label: "switchyard_webhook_signature_failures_total", dimensions: [("source", source.rawValue)]).increment()
        logger.notice("webhook refused", metadata: ["source": "\(source.rawValue)", "reason": "\(reason)"])
    }

    private static func refusal(_ failure: StandardWebhookVerifier.Failure) -> APIError {
        switch failure {
        case .missingHeader(let name):
            APIError(.unauthorized, "missing_signature_header", "the \(name) header is required", field: name)
        case .malformedTimestamp:
            APIError(.unauthorized, "invalid_timestamp", "webhook-timestamp must be 1 to 12 digits: whole seconds since 1970",
                     field: "webhook-timestamp")
        case .timestampOutOfTolerance(let off):
            APIError(.unauthorized, "stale_timestamp",
                     "webhook-timestamp is \(abs(off)) s in the \(off < 0 ? "past" : "future"); at most 300 s allowed",
                     field: "webhook-timestamp")
        case .noMatchingSignature:
            APIError(.unauthorized, "invalid_signature", "no v1 signature matches the body with a configured secret",
                     field: "webhook-signature")
        }
    }
}
