import Foundation
import SwitchyardAMQP
import SwitchyardHTTP
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// Signed webhooks against a real ingress process, broker and database; signatures come from
/// the reference `standardwebhooks` package, not from our code.
@Suite(.serialized, .timeLimit(.minutes(3))) struct WebhookTests {
    static let conversationEnded = #"{"event_type":"conversation_ended","conversation_id":"conv-1","properties":{"duration_s":42}}"#

    @Test func aWellFormedTraceparentTravelsWithTheEventAndAMalformedOneIsDropped() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let traced = try await ingress.webhook(
                body: Self.conversationEnded, id: "wh-traced", extraHeaders: [HTTPHeader("traceparent", valid)])
            #expect(traced.status == 200, "\(traced.bodyText)")
            let malformed = try await ingress.webhook(
                body: Self.conversationEnded.replacingOccurrences(of: "conv-1", with: "conv-2"), id: "wh-malformed",
                extraHeaders: [HTTPHeader("traceparent", valid.uppercased())])
            #expect(malformed.status == 200, "a malformed trace header is left out, not refused: \(malformed.bodyText)")

            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            var traceparents: [String: String] = [:]
            while let message = try await channel.get(queue: "sy.work.analysis", autoAck: true) {
                traceparents[message.properties.messageID ?? ""] = message.properties.headers?["traceparent"]?.stringValue ?? "none"
            }
            #expect(traceparents == ["wh-traced": valid, "wh-malformed": "none"])
            await connection.close()
            await ingress.client.shutdown()
        }
    }

    @Test func aValidWebhookIsPublishedOnceEvenWhenRedelivered() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            let first = try await ingress.webhook(body: Self.conversationEnded, id: "wh-1")
            #expect(first.status == 200, "\(first.bodyText)")
            #expect(first.json["status"] as? String == "accepted")
            #expect(first.json["event_type"] as? String == "conversation.ended")
            let again = try await ingress.webhook(body: Self.conversationEnded, id: "wh-1")
            #expect(again.status == 200)
            #expect(again.body == first.body, "a redelivery gets the first answer")

            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            let message = try #require(try await channel.get(queue: "sy.work.analysis", autoAck: true))
            #expect(message.properties.messageID == "wh-1")
            #expect(message.properties.type == "conversation.ended")
            #expect(message.properties.headers?["sy-tenant"]?.stringValue == "00000000-0000-0000-0000-000000000000")
            let body = try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any]
            #expect(body?["v"] as? Int == 1)
            #expect(body?["conversation_id"] as? String == "conv-1")
            #expect(try await channel.get(queue: "sy.work.analysis", autoAck: true) == nil, "exactly one message")
            await connection.close()
            let metrics = try await ingress.get("/metrics").bodyText
            #expect(metrics.contains("switchyard_publish_confirm_seconds_count 1"), "one confirmed publish: \(metrics.prefix(1_500))")
            // The two deliveries came one after the other: two groups of one.
            #expect(metrics.contains(#"switchyard_ingress_group_size_count{requests="webhooks"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"switchyard_ingress_group_size_bucket{requests="webhooks",le="1.0"} 2"#), "\(metrics)")
            // The request metrics keep Hummingbird's names; both answers are counted and done.
            let route = #"http_route="/v1/webhooks/{source}",http_request_method="POST""#
            #expect(metrics.contains(#"hb_requests{\#(route),http_response_status_code="200"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"http_server_request_duration_count{\#(route),http_response_status_code="200"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"http_server_active_requests{http_request_method="POST"} 0.0"#), "\(metrics)")
            await ingress.client.shutdown()
        }
    }

    /// A broker that takes nothing (a memory alarm) holds no webhook for long: the first
    /// publish under the alarm gets the ingress's connection blocked (`connection.blocked`),
    /// and that webhook's answer is a 503 with `Retry-After` half a second after the block, not
    /// at `SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT` (20 s here), its receipt rolled back. `/readyz`
    /// says the broker blocks, and the next webhook is refused at once, unsent. The vendor's
    /// retries after the alarm are accepted; the copy the broker took late carries the same
    /// message id, which consumers' inboxes absorb. The refusals are logged once, not once each.
    @Test func aBrokerThatBlocksPublishingIsA503SoonAfterItsBlockThenAtOnceAndTheRetriesAreAccepted() async throws {
        try await withFleet { fleet in
            let ingress = try await Self.warmIngress(fleet, confirmTimeout: 20)

            let stalled = Self.conversationEnded.replacingOccurrences(of: "conv-1", with: "conv-stalled")
            let blocked = Self.conversationEnded.replacingOccurrences(of: "conv-1", with: "conv-blocked")
            let (refused, waited, ready, refusedAtOnce, waitedAtOnce) = try await ServicesControl.whileBrokerBlocksPublishers {
                let started = ContinuousClock.now
                let answer = try await ingress.webhook(body: stalled, id: "wh-stalled", timeout: .seconds(30))
                let waited = ContinuousClock.now - started
                var ready = try await ingress.get("/readyz")
                try await eventually("/readyz to say the broker blocks publishing", timeout: .seconds(10)) {
                    ready = try await ingress.get("/readyz")
                    return ready.json["broker"] as? String == "blocked"
                }
                let next = ContinuousClock.now
                let atOnce = try await ingress.webhook(body: blocked, id: "wh-blocked", timeout: .seconds(30))
                let waitedAtOnce = ContinuousClock.now - next
                #expect(try await ingress.get("/metrics").bodyText.contains("switchyard_broker_blocked 1"))
                return (answer, waited, ready, atOnce, waitedAtOnce)
            }
            #expect(refused.status == 503, "\(refused.bodyText)")
            #expect(refused.errorCode == "unavailable", "\(refused.bodyText)")
            #expect(refused.bodyText.contains("refuses events"), "\(refused.bodyText)")
            #expect(refused.header("Retry-After") == "5")
            #expect(waited < .seconds(5), "answered after \(waited), not soon after the block")
            #expect(ready.status == 200, "\(ready.bodyText)")
            #expect((ready.json["broker_blocked_reason"] as? String)?.contains("memory") == true, "\(ready.bodyText)")
            #expect(refusedAtOnce.status == 503, "\(refusedAtOnce.bodyText)")
            #expect(refusedAtOnce.errorCode == "unavailable", "\(refusedAtOnce.bodyText)")
            #expect(refusedAtOnce.bodyText.contains("refuses events"), "\(refusedAtOnce.bodyText)")
            #expect(refusedAtOnce.header("Retry-After") == "5")
            #expect(waitedAtOnce < .seconds(1), "answered after \(waitedAtOnce), not at once")
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE webhook_id IN ('wh-stalled', 'wh-blocked')") == 0)
            try await eventually("the refusal to be logged", timeout: .seconds(10)) {
                fleet.logs().contains("webhooks not accepted: the broker refused or did not confirm their events")
                    && fleet.logs().contains("did not confirm the publish within 0.5 seconds")
            }
            // The second refusal came within the warning's interval: counted into its next
            // line, not logged on a line of its own.
            #expect(fleet.logLines(containing: "webhooks not accepted").count == 1, "\(fleet.logs())")
            try await eventually("/readyz to say the broker is up again", timeout: .seconds(10)) {
                try await ingress.get("/readyz").json["broker"] as? String == "up"
            }
            #expect(try await ingress.get("/metrics").bodyText.contains("switchyard_broker_blocked 0"))

            for (body, id) in [(stalled, "wh-stalled"), (blocked, "wh-blocked")] {
                let retried = try await ingress.webhook(body: body, id: id)
                #expect(retried.status == 200, "\(retried.bodyText)")
                #expect(retried.json["status"] as? String == "accepted")
            }
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE webhook_id IN ('wh-stalled', 'wh-blocked')") == 2)
            // Confirms come in publish order: the late copy was taken before the retries'; the
            // webhook refused at once was never sent.
            #expect(try await Self.takeMessageIDs(fleet) == ["wh-warm", "wh-stalled", "wh-stalled", "wh-blocked"])
            await ingress.client.shutdown()
        }
    }

    /// A broker that takes a webhook's event and never confirms it, blocking nothing (the
    /// queue stalled, as one that lost its quorum), holds the webhook for
    /// `SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT` only: the answer is a 503 with `Retry-After`, the
    /// receipt rolled back, and the shared connection stays up for the webhooks after it. Once
    /// the queue goes on, its late confirm is ignored, the vendor's retry is accepted, and the
    /// queue holds the late copy and the retry with one message id (which inboxes absorb).
    @Test func aQueueThatStopsConfirmingIsA503AfterTheConfirmTimeoutAndTheRetryIsAccepted() async throws {
        try await withFleet { fleet in
            let ingress = try await Self.warmIngress(fleet, confirmTimeout: 1)

            let unconfirmed = Self.conversationEnded.replacingOccurrences(of: "conv-1", with: "conv-unconfirmed")
            let (refused, waited, ready) = try await ServicesControl.whileQueuesStopConfirming(vhost: fleet.vhost.name) {
                let started = ContinuousClock.now
                let answer = try await ingress.webhook(body: unconfirmed, id: "wh-unconfirmed", timeout: .seconds(30))
                return (answer, ContinuousClock.now - started, try await ingress.get("/readyz"))
            }
            #expect(refused.status == 503, "\(refused.bodyText)")
            #expect(refused.errorCode == "unavailable", "\(refused.bodyText)")
            #expect(refused.bodyText.contains("did not confirm the event in time"), "\(refused.bodyText)")
            #expect(refused.header("Retry-After") == "5")
            #expect(waited >= .seconds(1) && waited < .seconds(4), "answered after \(waited), not at the 1 s timeout")
            #expect(ready.json["broker"] as? String == "up", "nothing blocked the connection: \(ready.bodyText)")
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE webhook_id = 'wh-unconfirmed'") == 0)
            try await eventually("the refusal to be logged", timeout: .seconds(10)) {
                !fleet.logLines(containing: "did not confirm the publish within 1.0 seconds").isEmpty
            }

            let retried = try await ingress.webhook(body: unconfirmed, id: "wh-unconfirmed")
            #expect(retried.status == 200, "\(retried.bodyText)")
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE webhook_id = 'wh-unconfirmed'") == 1)
            #expect(try await Self.takeMessageIDs(fleet) == ["wh-warm", "wh-unconfirmed", "wh-unconfirmed"], "the late copy, then the retry")
            await ingress.client.shutdown()
        }
    }

    /// The 200 goes out once the broker has confirmed the event, without waiting for the
    /// receipt's `COMMIT` to return: a deferred trigger holds that commit on a lock the test owns.
    @Test func theAnswerWaitsForTheConfirmNotForTheReceiptsCommit() async throws {
        try await withFleet { fleet in
            try await fleet.execute("""
                CREATE FUNCTION hold_receipt_commit() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NULL; END $$
                """)
            try await fleet.execute("""
                CREATE CONSTRAINT TRIGGER hold_receipt_commit AFTER INSERT ON webhook_receipts
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hold_receipt_commit()
                """)
            let locker = try await PostgresConnection.connect(url: fleet.database.url)
            try await locker.execute("SELECT pg_advisory_lock(4242)")
            let ingress = try await IngressHarness.start(fleet)

            let first = try await ingress.webhook(body: Self.conversationEnded, id: "wh-held", timeout: .seconds(15))
            #expect(first.status == 200, "\(first.bodyText)")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 1, "confirmed before the answer")
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts") == 0, "the receipt's commit is still held")

            try await locker.execute("SELECT pg_advisory_unlock(4242)")
            try await eventually("the receipt to commit", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE webhook_id = 'wh-held'") == 1
            }
            let again = try await ingress.webhook(body: Self.conversationEnded, id: "wh-held")
            #expect(again.body == first.body, "a redelivery gets the first answer")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 1, "and publishes nothing")
            await locker.close()
            await ingress.client.shutdown()
        }
    }

    @Test func concurrentWebhooksAreAcceptedInGroupsAndConcurrentRedeliveriesPublishOnce() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            // Signed up front (the reference signer is a process per signature), sent at once.
            let timestamp = Int(Date().timeIntervalSince1970)
            var deliveries: [(id: String, body: String, signature: String)] = []
            for index in 0..<40 {
                let id = index < 12 ? "wh-same" : "wh-\(index)"
                let body = #"{"event_type":"conversation_ended","conversation_id":"c-\#(index < 12 ? 0 : index)"}"#
                deliveries.append((id, body, try IngressHarness.referenceSignature(
                    secret: IngressHarness.secret, id: id, timestamp: timestamp, body: body)))
            }
            let answers = try await withThrowingTaskGroup(of: (String, HTTPResponse).self) { group in
                for delivery in deliveries {
                    group.addTask {
                        (delivery.id, try await ingress.post("/v1/webhooks/tavus", body: delivery.body, headers: [
                            HTTPHeader("Content-Type", "application/json"), HTTPHeader("webhook-id", delivery.id),
                            HTTPHeader("webhook-timestamp", "\(timestamp)"), HTTPHeader("webhook-signature", delivery.signature),
                        ]))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.1.status == 200 }, "\(answers.map { $0.1.bodyText })")
            #expect(Set(answers.filter { $0.0 == "wh-same" }.map(\.1.body)).count == 1, "every redelivery gets the same answer")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 29, "28 distinct webhooks and one of the 12 redeliveries")
            // The 200s don't wait for the receipts' COMMIT round trip.
            try await eventually("the 29 receipts to commit", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM webhook_receipts") == 29
            }
            await ingress.client.shutdown()
        }
    }

    @Test func badSignaturesAre401AndPublishNothing() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            let now = Int(Date().timeIntervalSince1970)
            let wrongSecret = "whsec_" + Data("some-other-secret-entirely-000000".utf8).base64EncodedString()
            let cases: [(String, HTTPResponse, String)] = [
                ("tampered body", try await ingress.webhook(body: Self.conversationEnded, signedBody: Self.conversationEnded + " "), "invalid_signature"),
                ("wrong secret", try await ingress.webhook(body: Self.conversationEnded, secret: wrongSecret), "invalid_signature"),
                ("stale timestamp", try await ingress.webhook(body: Self.conversationEnded, timestamp: now - 400), "stale_timestamp"),
                ("future timestamp", try await ingress.webhook(body: Self.conversationEnded, timestamp: now + 400), "stale_timestamp"),
                ("no signature", try await ingress.webhook(body: Self.conversationEnded, omit: "webhook-signature"), "missing_signature_header"),
                ("no id", try await ingress.webhook(body: Self.conversationEnded, omit: "webhook-id"), "missing_signature_header"),
                ("no timestamp", try await ingress.webhook(body: Self.conversationEnded, omit: "webhook-timestamp"), "missing_signature_header"),
            ]
            for (what, response, code) in cases {
                #expect(response.status == 401, "\(what): \(response.bodyText)")
                #expect(response.errorCode == code, "\(what): \(response.bodyText)")
            }
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 0)
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts") == 0)
            let metrics = try await ingress.get("/metrics").bodyText
            #expect(metrics.contains(#"switchyard_webhook_signature_failures_total{source="tavus"} 7"#), "\(metrics.prefix(2000))")
            await ingress.client.shutdown()
        }
    }

    @Test func aSignedWebhookWhoseEventHoldsANULIsRefusedAndStoresNothing() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            let body = #"{"event_type":"conversation_ended","conversation_id":"conv-1","properties":{"note":"a\u0000b"}}"#
            let refused = try await ingress.webhook(body: body, id: "call-nul")
            #expect(refused.status == 422 && refused.errorCode == "invalid_value", "\(refused.bodyText)")
            #expect(refused.errorField == "properties.note", "\(refused.bodyText)")
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts") == 0)
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 0)
            let accepted = try await ingress.webhook(body: Self.conversationEnded, id: "call-nul")
            #expect(accepted.status == 200 && accepted.json["status"] as? String == "accepted", "\(accepted.bodyText)")
            await ingress.client.shutdown()
        }
    }

    @Test func bothSecretsOfARotationAreAccepted() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            let old = try await ingress.webhook(body: Self.conversationEnded, secret: IngressHarness.secret)
            let new = try await ingress.webhook(body: Self.conversationEnded, secret: IngressHarness.rotatedSecret)
            #expect(old.status == 200 && new.status == 200, "\(old.bodyText) \(new.bodyText)")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 2)
            await ingress.client.shutdown()
        }
    }

    @Test func aSourceWithoutASecretIsRefused() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            let body = #"{"event":"build_completed","build_id":"b-1","sequence":3}"#
            let response = try await ingress.webhook("kiro", body: body)
            #expect(response.status == 401)
            #expect(response.errorCode == "source_not_configured")
            #expect(response.bodyText.contains("SWITCHYARD_WEBHOOK_SECRET_KIRO"))
            #expect(try await fleet.depths(["sy.work.build"])["sy.work.build"] == 0)
            await ingress.client.shutdown()
        }
    }

    @Test func buildCallbacksBecomeBuildReportedForTheConfiguredTenant() async throws {
        try await withFleet { fleet in
            let tenant = UUID().uuidString.lowercased()
            try await fleet.execute("INSERT INTO tenants (id, name) VALUES ('\(tenant)', 'acme')")
            let ingress = try await IngressHarness.start(fleet, environment: [
                "SWITCHYARD_WEBHOOK_SECRET_KIRO": IngressHarness.secret, "SWITCHYARD_WEBHOOK_TENANT_KIRO": "acme",
            ])
            let progress = try await ingress.webhook("kiro", body: #"{"event":"build_progress","build_id":"b-7","sequence":1,"progress":40}"#)
            let ignored = try await ingress.webhook("kiro", body: #"{"event":"build_queued","build_id":"b-7","sequence":0}"#)
            #expect(progress.status == 200 && progress.json["event_type"] as? String == "build.reported", "\(progress.bodyText)")
            #expect(ignored.status == 200 && ignored.json["status"] as? String == "ignored", "\(ignored.bodyText)")
            let outOfRange = try await ingress.webhook("kiro", body: #"{"event":"build_progress","build_id":"b-7","sequence":3000000000}"#)
            #expect(outOfRange.status == 422 && outOfRange.errorField == "sequence", "\(outOfRange.bodyText)")
            #expect(outOfRange.bodyText.contains("expected an integer in 0...2147483647, got 3000000000"), "\(outOfRange.bodyText)")
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            let message = try #require(try await channel.get(queue: "sy.work.build", autoAck: true))
            #expect(message.properties.headers?["sy-tenant"]?.stringValue == tenant)
            let body = try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any]
            #expect(body?["kind"] as? String == "progress")
            #expect(body?["sequence"] as? Int == 1)
            #expect(try await channel.get(queue: "sy.work.build", autoAck: true) == nil)
            await connection.close()
            await ingress.client.shutdown()
        }
    }

    /// An ingress whose publishes wait `confirmTimeout` seconds for their confirms, after it
    /// accepted webhook `wh-warm` (its connection and channel open).
    private static func warmIngress(_ fleet: Fleet, confirmTimeout: Int) async throws -> IngressHarness {
        let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT": "\(confirmTimeout)"])
        let warm = try await ingress.webhook(body: conversationEnded, id: "wh-warm")
        #expect(warm.status == 200, "\(warm.bodyText)")
        return ingress
    }

    /// Takes every message from the analysis queue and returns their message ids, in order.
    private static func takeMessageIDs(_ fleet: Fleet) async throws -> [String] {
        let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
        let channel = try await connection.openChannel()
        var ids: [String] = []
        while let message = try await channel.get(queue: "sy.work.analysis", autoAck: true) {
            ids.append(message.properties.messageID ?? "none")
        }
        await connection.close()
        return ids
    }
}
