import Foundation
import SwitchyardAMQP
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// Producer events: per-tenant API keys made by the CLI, catalog validation, the tenant from
/// the key, idempotency, batches, revocation, rate limits.
@Suite(.serialized, .timeLimit(.minutes(3))) struct EventsTests {
    /// Runs `switchyard ARGS` against the fleet and returns its one line of output.
    static func cli(_ fleet: Fleet, _ arguments: [String]) throws -> String {
        let outcome = try SwitchyardProcess.run(arguments, environment: fleet.environment)
        try #require(outcome.status == 0, "switchyard \(arguments.joined(separator: " ")): \(outcome.standardError)")
        return outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func post(_ ingress: IngressHarness, _ path: String = "/v1/events", key: String?, body: String, idempotencyKey: String? = nil) async throws -> HTTPResponse {
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let key { headers.append(HTTPHeader("Authorization", "Bearer \(key)")) }
        if let idempotencyKey { headers.append(HTTPHeader("Idempotency-Key", idempotencyKey)) }
        return try await ingress.post(path, body: body, headers: headers)
    }

    static let event = #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c-9"},"correlation_id":"job-1"}"#

    @Test func anEventIsValidatedStampedWithTheKeysTenantAndPublished() async throws {
        try await withFleet { fleet in
            let tenant = try Self.cli(fleet, ["tenants", "create", "acme"])
            let key = try Self.cli(fleet, ["keys", "create", "--tenant", tenant])
            #expect(key.hasPrefix("sy_"))
            #expect(try await fleet.count("SELECT count(*) FROM api_keys WHERE key_hash = sha256('\(key)'::bytea)") == 1,
                    "the key's SHA-256 is stored")
            #expect(try await fleet.count("SELECT count(*) FROM api_keys a WHERE position('\(key)' in a::text) > 0") == 0,
                    "the key itself is in no column")
            let ingress = try await IngressHarness.start(fleet)

            #expect(try await Self.post(ingress, key: nil, body: Self.event).status == 401)
            #expect(try await Self.post(ingress, key: "sy_not-a-real-key", body: Self.event).errorCode == "invalid_api_key")
            let accepted = try await Self.post(ingress, key: key, body: Self.event)
            #expect(accepted.status == 202, "\(accepted.bodyText)")
            #expect(accepted.bodyText.wholeMatch(of: /\{"event":\{"event_type":"conversation\.ended","message_id":"[0-9a-f-]{36}"\}\}/) != nil,
                    "the answer's members in name order, compact: \(accepted.bodyText)")

            let chooser = try await Self.post(ingress, key: key, body: #"{"type":"conversation.ended","tenant_id":"x","body":{"v":1,"conversation_id":"c"}}"#)
            #expect(chooser.status == 422)
            let unknown = try await Self.post(ingress, key: key, body: #"{"type":"no.such.event","body":{"v":1}}"#)
            #expect(unknown.status == 422 && (unknown.json["error"] as? [String: Any])?["field"] as? String == "type")
            let missing = try await Self.post(ingress, key: key, body: #"{"type":"conversation.ended","body":{"v":1}}"#)
            #expect((missing.json["error"] as? [String: Any])?["field"] as? String == "body.conversation_id", "\(missing.bodyText)")
            // What the consumers could only dead-letter: a NUL for Postgres, a control character in an id.
            let nul = try await Self.post(ingress, key: key, body: #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c\u0000"}}"#)
            #expect(nul.status == 422 && nul.errorCode == "invalid_value", "\(nul.bodyText)")
            #expect((nul.json["error"] as? [String: Any])?["field"] as? String == "body.conversation_id", "\(nul.bodyText)")
            let bell = try await Self.post(
                ingress, key: key, body: #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c"},"correlation_id":"job\u0007"}"#)
            #expect(bell.status == 422 && (bell.json["error"] as? [String: Any])?["field"] as? String == "correlation_id", "\(bell.bodyText)")

            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            let message = try #require(try await channel.get(queue: "sy.work.analysis", autoAck: true))
            #expect(message.properties.headers?["sy-tenant"]?.stringValue == tenant)
            #expect(message.properties.correlationID == "job-1")
            #expect(try await channel.get(queue: "sy.work.analysis", autoAck: true) == nil, "invalid events published nothing")
            await connection.close()

            let catalog = try await ingress.get("/v1/event-types")
            #expect(catalog.bodyText.contains(#""name":"conversation.ended""#))

            await ingress.client.shutdown()
        }
    }

    @Test func anIdempotencyKeyReturnsTheFirstAnswerAndRefusesAnotherBody() async throws {
        try await withFleet { fleet in
            let tenant = try Self.cli(fleet, ["tenants", "create", "acme"])
            let key = try Self.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet)
            let first = try await Self.post(ingress, key: key, body: Self.event, idempotencyKey: "order-77")
            let again = try await Self.post(ingress, key: key, body: Self.event, idempotencyKey: "order-77")
            #expect(first.status == 202 && again.status == 202)
            #expect(first.body == again.body)
            let other = try await Self.post(
                ingress, key: key, body: #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"other"}}"#, idempotencyKey: "order-77")
            #expect(other.status == 422 && other.errorCode == "idempotency_key_reused")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 1, "exactly one message")
            await ingress.client.shutdown()
        }
    }

    /// Keyed requests that arrive together are accepted in groups: one key claimed once
    /// whatever the group, another body refused, a refused event's key freed while the rest of
    /// its group commits.
    @Test func concurrentKeyedRequestsPublishEachKeyOnce() async throws {
        try await withFleet { fleet in
            let tenant = try Self.cli(fleet, ["tenants", "create", "acme"])
            let key = try Self.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_MESSAGE_LIMIT": "4096"])
            let other = #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"other"}}"#
            let large = #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c-9","pad":"\#(String(repeating: "x", count: 5_000))"}}"#
            // 30 requests with the key "shared" and one body, 10 with another, 20 with keys of their own, 3 too large.
            let requests = (0..<30).map { _ in ("shared", Self.event) } + (0..<10).map { _ in ("shared", other) }
                + (0..<20).map { ("own-\($0)", Self.event) } + (0..<3).map { ("large-\($0)", large) }
            let answers = try await withThrowingTaskGroup(of: (String, String, HTTPResponse).self) { group in
                for (idempotencyKey, body) in requests.shuffled() {
                    group.addTask { (idempotencyKey, body, try await Self.post(ingress, key: key, body: body, idempotencyKey: idempotencyKey)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            let shared = answers.filter { $0.0 == "shared" }
            let winner = try #require(shared.first { $0.2.status == 202 }, "\(shared.map(\.2.status))")
            for (_, body, response) in shared {
                if body == winner.1 {
                    #expect(response.status == 202 && response.body == winner.2.body, "\(response.bodyText)")
                } else {
                    #expect(response.status == 422 && response.errorCode == "idempotency_key_reused", "\(response.bodyText)")
                }
            }
            for (idempotencyKey, _, response) in answers where idempotencyKey.hasPrefix("own-") {
                #expect(response.status == 202, "\(response.bodyText)")
            }
            for (idempotencyKey, _, response) in answers where idempotencyKey.hasPrefix("large-") {
                #expect(response.status == 422 && response.errorCode == "invalid_message", "\(response.bodyText)")
            }
            // Answers go out before their group's COMMIT returns.
            #expect(try await fleet.count("SELECT count(*) FROM idempotency_keys", settlingAt: 21) == 21,
                    "one key a request answered 202; the refused requests' keys were deleted")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 21, "one message a key")

            let retried = try await Self.post(ingress, key: key, body: Self.event, idempotencyKey: "large-0")
            #expect(retried.status == 202, "a refused request's key is free for its retry: \(retried.bodyText)")
            // Every keyed request, the refused ones and the retry included, went through a group.
            let metrics = try await ingress.get("/metrics").bodyText
            #expect(metrics.contains(#"switchyard_ingress_group_size_sum{requests="keyed_events"} 64.0"#), "\(metrics)")
            // And so did every request's API key.
            #expect(metrics.contains(#"switchyard_ingress_group_size_sum{requests="key_lookups"} 64.0"#), "\(metrics)")
            await ingress.client.shutdown()
        }
    }

    /// Keys that arrive together are looked up in one query: each request still gets its own
    /// key's tenant, and a revoked or unknown key among them is 401.
    @Test func concurrentRequestsWithManyKeysEachActAsTheirOwnTenant() async throws {
        try await withFleet { fleet in
            let tenants = try (0..<3).map { try Self.cli(fleet, ["tenants", "create", "t\($0)"]) }
            let keys = try tenants.map { try Self.cli(fleet, ["keys", "create", "--tenant", $0]) }
            let revoked = try Self.cli(fleet, ["keys", "create", "--tenant", tenants[0]])
            let revokedID = try await fleet.text("SELECT id::text FROM api_keys ORDER BY created_at DESC LIMIT 1")
            #expect(try Self.cli(fleet, ["keys", "revoke", revokedID]) == revokedID)
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_AUTH_FAILURE_BURST": "1000"])

            // 60 requests, each with one of the three keys (its index is its correlation id), and 12 with bad keys.
            let requests = (0..<60).map { ($0, keys[$0 % 3]) } + (60..<72).map { ($0, $0 % 2 == 0 ? revoked : "sy_unknown-\($0)") }
            let statuses = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
                for (index, key) in requests.shuffled() {
                    let body = #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c-\#(index)"},"correlation_id":"\#(index)"}"#
                    group.addTask { (index, try await Self.post(ingress, key: key, body: body)) }
                }
                return try await group.reduce(into: [Int: HTTPResponse]()) { $0[$1.0] = $1.1 }
            }
            for index in 0..<60 { #expect(statuses[index]?.status == 202, "\(statuses[index]?.bodyText ?? "no answer")") }
            for index in 60..<72 { #expect(statuses[index]?.errorCode == "invalid_api_key", "\(statuses[index]?.bodyText ?? "no answer")") }

            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            var tenantOf: [Int: String] = [:]
            while let message = try await channel.get(queue: "sy.work.analysis", autoAck: true) {
                let index = try #require(message.properties.correlationID.flatMap { Int($0) })
                tenantOf[index] = message.properties.headers?["sy-tenant"]?.stringValue
            }
            await connection.close()
            #expect(tenantOf.count == 60, "one event for each request with a valid key")
            for index in 0..<60 { #expect(tenantOf[index] == tenants[index % 3], "request \(index) acted as its key's tenant") }
            await ingress.client.shutdown()
        }
    }

    @Test func anEventLargerThanTheMessageLimitIsRefusedAndChangesNothing() async throws {
        try await withFleet { fleet in
            let tenant = try Self.cli(fleet, ["tenants", "create", "acme"])
            let key = try Self.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_MESSAGE_LIMIT": "4096"])
            let pad = String(repeating: "x", count: 5_000)
            let large = #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c-9","pad":"\#(pad)"}}"#
            let refused = try await Self.post(ingress, key: key, body: large, idempotencyKey: "order-78")
            #expect(refused.status == 422 && refused.errorCode == "invalid_message", "\(refused.bodyText)")
            #expect(refused.bodyText.contains("bytes; this connection sends at most 4096"), "\(refused.bodyText)")
            let accepted = try await Self.post(ingress, key: key, body: Self.event, idempotencyKey: "order-78")
            #expect(accepted.status == 202, "the refused event left no idempotency record behind: \(accepted.bodyText)")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 1, "only the small event went")
            await ingress.client.shutdown()
        }
    }

    @Test func batchesRevocationAndRateLimits() async throws {
        try await withFleet { fleet in
            let tenant = try Self.cli(fleet, ["tenants", "create", "acme"])
            let key = try Self.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet, environment: [
                "SWITCHYARD_API_RATE": "1", "SWITCHYARD_API_BURST": "3", "SWITCHYARD_ALLOW_PROBE_EVENTS": "1",
            ])
            let events = (0..<3).map { #"{"type":"probe.run","body":{"v":1,"id":"b-\#($0)"}}"# }.joined(separator: ",")
            let batch = try await Self.post(ingress, "/v1/events:batch", key: key, body: #"{"events":[\#(events)]}"#)
            #expect(batch.status == 202, "\(batch.bodyText)")
            #expect((batch.json["events"] as? [Any])?.count == 3)
            let badItem = try await Self.post(ingress, "/v1/events:batch", key: key,
                                              body: #"{"events":[{"type":"probe.run","body":{"v":1,"id":"ok"}},{"type":"probe.run","body":{"v":1}}]}"#)
            #expect((badItem.json["error"] as? [String: Any])?["field"] as? String == "events[1].body.id", "\(badItem.bodyText)")
            #expect(try await fleet.depths(["sy.work.probe"])["sy.work.probe"] == 3, "a batch with a bad item publishes nothing")

            // 1 request/s with bursts of 3: ten at once cannot all pass.
            var statuses: [Int] = []
            var limited: HTTPResponse?
            for _ in 0..<10 where limited == nil {
                let response = try await Self.post(ingress, key: key, body: Self.event)
                statuses.append(response.status)
                if response.status == 429 { limited = response }
            }
            let refusal = try #require(limited, "no 429 in \(statuses)")
            #expect(refusal.errorCode == "rate_limited")
            #expect(refusal.headers.contains { $0.name.lowercased() == "retry-after" })

            let keyID = try await fleet.text("SELECT id::text FROM api_keys")
            #expect(try Self.cli(fleet, ["keys", "revoke", keyID]) == keyID)
            #expect(try await Self.post(ingress, key: key, body: Self.event).errorCode == "invalid_api_key")
            await ingress.client.shutdown()
        }
    }
}
