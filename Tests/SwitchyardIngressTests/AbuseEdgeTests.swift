import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// Hostile input at the edge, sent to a real ingress process: each gets the right 4xx naming
/// the problem, the process stays up, and another tenant's valid traffic sees no error.
@Suite(.serialized, .timeLimit(.minutes(3))) struct AbuseEdgeTests {
    static let conversationEnded = #"{"event_type":"conversation_ended","conversation_id":"conv-1"}"#

    /// Posts a tavus webhook with the given raw header values.
    static func rawWebhook(_ ingress: IngressHarness, id: String, timestamp: String, signature: String) async throws -> HTTPResponse {
        try await ingress.post("/v1/webhooks/tavus", body: conversationEnded, headers: [
            HTTPHeader("Content-Type", "application/json"), HTTPHeader("webhook-id", id),
            HTTPHeader("webhook-timestamp", timestamp), HTTPHeader("webhook-signature", signature),
        ])
    }

    @Test func webhookTimestampsThatAreNotOneToTwelveDigitsAre401AndTheIngressStaysUp() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_AUTH_FAILURE_BURST": "1000"])
            let bystander = try EventsTests.cli(fleet, ["keys", "create", "--tenant", try EventsTests.cli(fleet, ["tenants", "create", "b"])])
            let traffic = BystanderTraffic.start(ingress, key: bystander)
            for timestamp in ["-9223372036854775808", "9223372036854775807", "99999999999999999999", "1234567890123", "+1700000000",
                              "17e8", "0x10", "-1", "1700000000.5"] {
                let answer = try await Self.rawWebhook(ingress, id: "wh-ts", timestamp: timestamp, signature: "v1,AAAA")
                #expect(answer.status == 401 && answer.errorCode == "invalid_timestamp", "\(timestamp): \(answer.status) \(answer.bodyText)")
                #expect(answer.errorField == "webhook-timestamp")
            }
            let stale = try await Self.rawWebhook(ingress, id: "wh-ts", timestamp: "000000000001", signature: "v1,AAAA")
            #expect(stale.errorCode == "stale_timestamp", "12 digits is a timestamp, just an old one: \(stale.bodyText)")

            // Signatures: at most 10 candidates are looked at; ones that aren't 32 bytes are skipped.
            let now = Int(Date().timeIntervalSince1970)
            let valid = try IngressHarness.referenceSignature(secret: IngressHarness.secret, id: "wh-sig", timestamp: now, body: Self.conversationEnded)
            let junk = ["v1,AAAA", "v1,!!!", "v2,\(valid.dropFirst(3))", "v1", "v1," + String(repeating: "A", count: 4_000)]
            let late = try await Self.rawWebhook(
                ingress, id: "wh-sig", timestamp: "\(now)", signature: (Array(repeating: "v1,AAAA", count: 10) + [valid]).joined(separator: " "))
            #expect(late.status == 401 && late.errorCode == "invalid_signature", "the 11th candidate is not looked at")
            let accepted = try await Self.rawWebhook(ingress, id: "wh-sig", timestamp: "\(now)", signature: (junk + [valid]).joined(separator: " "))
            #expect(accepted.status == 200, "junk candidates are skipped: \(accepted.bodyText)")

            let longID = String(repeating: "i", count: 300)
            let signedLong = try IngressHarness.referenceSignature(secret: IngressHarness.secret, id: longID, timestamp: now, body: Self.conversationEnded)
            let tooLong = try await Self.rawWebhook(ingress, id: longID, timestamp: "\(now)", signature: signedLong)
            #expect(tooLong.status == 400 && tooLong.errorField == "webhook-id", "\(tooLong.bodyText)")

            #expect(ingress.process.isRunning, "the ingress survived")
            #expect(try await ingress.get("/healthz").status == 200)
            let (sent, failures) = await traffic.stop()
            #expect(sent > 0 && failures.isEmpty, "bystander: \(failures.prefix(3))")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 1, "only the valid webhook was published")
            await ingress.client.shutdown()
        }
    }

    @Test func eventsOverAMQPLimitsAreRefusedNamingTheFieldAndTheSharedConnectionStaysUp() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "a"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let bystander = try EventsTests.cli(fleet, ["keys", "create", "--tenant", try EventsTests.cli(fleet, ["tenants", "create", "b"])])
            let ingress = try await IngressHarness.start(fleet)
            let traffic = BystanderTraffic.start(ingress, key: bystander)
            let correlation = String(repeating: "c", count: 300)
            for _ in 0..<5 {
                let answer = try await ingress.send(.post, "/v1/events", key: key, body: """
                    {"type":"conversation.ended","body":{"v":1,"conversation_id":"c"},"correlation_id":"\(correlation)"}
                    """)
                #expect(answer.status == 422 && answer.errorField == "correlation_id", "\(answer.bodyText)")
            }
            let batch = try await ingress.send(.post, "/v1/events:batch", key: key, body: """
                {"events":[{"type":"conversation.ended","body":{"v":1,"conversation_id":"c"}},
                           {"type":"conversation.ended","body":{"v":1,"conversation_id":"c"},"correlation_id":"\(correlation)"}]}
                """)
            #expect(batch.status == 422 && batch.errorField == "events[1].correlation_id", "\(batch.bodyText)")
            let (sent, failures) = await traffic.stop()
            #expect(sent > 0 && failures.isEmpty, "bystander: \(failures.prefix(3))")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 0, "nothing of the refused requests was published")
            await ingress.client.shutdown()
        }
    }

    @Test func eventTypesOnlyTheSystemEmitsAre403AndTheCatalogSaysWhoMaySend() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "a"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet)
            for type in ["plan.requested", "build.requested", "generation.requested", "workflow.step", "build.reported", "probe.run"] {
                let body: String = switch type {
                case "workflow.step": #"{"v":1,"job_id":"j","step_id":"s"}"#
                case "build.reported": #"{"v":1,"build_id":"b","kind":"completed","sequence":1}"#
                case "generation.requested": #"{"v":1,"generation_id":"g"}"#
                case "probe.run": #"{"v":1,"id":"p"}"#
                default: #"{"v":1,"project_id":"p"}"#
                }
                let answer = try await ingress.send(.post, "/v1/events", key: key, body: #"{"type":"\#(type)","body":\#(body)}"#)
                #expect(answer.status == 403 && answer.errorCode == "event_type_forbidden" && answer.errorField == "type",
                        "\(type): \(answer.status) \(answer.bodyText)")
                #expect(answer.bodyText.contains(type))
            }
            let catalog = try await ingress.get("/v1/event-types")
            let types = (catalog.json["event_types"] as? [[String: Any]]) ?? []
            let maySend = Dictionary(uniqueKeysWithValues: types.compactMap { type in
                (type["name"] as? String).map { ($0, type["producers_may_send"] as? Bool) }
            })
            #expect(maySend["conversation.ended"] == true && maySend["chatbot.message.received"] == true)
            #expect(maySend["plan.requested"] == false && maySend["workflow.step"] == false && maySend["probe.run"] == false)
            #expect(try await fleet.depths(["sy.work.planning", "sy.work.probe"]).values.allSatisfy { $0 == 0 })
            await ingress.client.shutdown()

            let allowing = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_ALLOW_PROBE_EVENTS": "1"])
            let probe = try await allowing.send(.post, "/v1/events", key: key, body: #"{"type":"probe.run","body":{"v":1,"id":"p"}}"#)
            #expect(probe.status == 202, "with SWITCHYARD_ALLOW_PROBE_EVENTS=1: \(probe.bodyText)")
            await allowing.client.shutdown()
        }
    }

    @Test func valuesTheDatabaseCantStoreAre422NamingTheFieldAndNothingIsWritten() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "a"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet)
            let job = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input":{"items":[{"name":"a\u0000b"}]}}"#)
            #expect(job.status == 422 && job.errorCode == "invalid_value" && job.errorField == "input.items[0].name", "\(job.bodyText)")
            let synonym = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input_data":{"k\u0000":1}}"#)
            #expect(synonym.status == 422 && synonym.errorField == "input_data.k\u{0}", "\(synonym.bodyText)")
            let generation = try await ingress.send(.post, "/v1/generations", key: key, body: #"{"user_id":"u","prompt":"cats\u0000","slide_count":1}"#)
            #expect(generation.status == 422 && generation.errorField == "prompt", "\(generation.bodyText)")
            let longUser = try await ingress.send(
                .post, "/v1/generations", key: key, body: #"{"user_id":"\#(String(repeating: "u", count: 201))","prompt":"cats"}"#)
            #expect(longUser.status == 422 && longUser.errorField == "user_id" && longUser.bodyText.count < 1_000, "\(longUser.bodyText.prefix(300))")
            #expect(try await fleet.count("SELECT count(*) FROM jobs") + (try await fleet.count("SELECT count(*) FROM generation_jobs")) == 0)

            let viaSynonym = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input_data":{"n":7}}"#)
            #expect(viaSynonym.status == 201, "input_data is a synonym of input: \(viaSynonym.bodyText)")
            let jobID = try #require(viaSynonym.json["job_id"] as? String)
            #expect(try await ingress.send(.get, "/v1/jobs/\(jobID)", key: key).json["input"] as? [String: Int] == ["n": 7])
            let both = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input":1,"input_data":2}"#)
            #expect(both.status == 422 && both.errorField == "input_data")
            #expect(ingress.process.isRunning)
            await ingress.client.shutdown()
        }
    }

    @Test func anIdempotencyKeyIsScopedToItsRoute() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "a"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet)
            let event = try await ingress.send(
                .post, "/v1/events", key: key, body: #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c"}}"#,
                idempotencyKey: "order-1")
            let job = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input":{}}"#, idempotencyKey: "order-1")
            #expect(event.status == 202 && job.status == 201, "one key on two routes names two requests: \(job.bodyText)")
            let again = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input":{}}"#, idempotencyKey: "order-1")
            #expect(again.body == job.body, "within a route the key still returns the first answer")
            #expect(try await fleet.count("SELECT count(*) FROM idempotency_keys") == 2)
            let tab = try await ingress.send(
                .post, "/v1/events", key: key, body: #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"c"}}"#,
                idempotencyKey: "order\t2")
            #expect(tab.status == 400 && tab.errorCode == "invalid_idempotency_key" && tab.errorField == "Idempotency-Key", "\(tab.bodyText)")
            #expect(try await fleet.count("SELECT count(*) FROM idempotency_keys") == 2, "the refused key recorded nothing")
            await ingress.client.shutdown()
        }
    }

    @Test func failedAuthenticationsFromOneAddressAreSlowedDown() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "a"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet, environment: [
                "SWITCHYARD_AUTH_FAILURE_RATE": "1", "SWITCHYARD_AUTH_FAILURE_BURST": "3",
            ])
            #expect(try await ingress.send(.get, "/v1/jobs", key: key).status == 200)
            var statuses: [Int] = []
            for index in 0..<5 {
                statuses.append(try await ingress.send(.get, "/v1/jobs", key: "sy_guess-\(index)").status)
            }
            #expect(statuses == [401, 401, 401, 429, 429], "\(statuses)")
            let blocked = try await ingress.send(.get, "/v1/jobs", key: key)
            #expect(blocked.status == 429 && blocked.errorCode == "too_many_failures" && blocked.header("Retry-After") != nil,
                    "the address waits out its failures, whatever key it sends next")
            let signature = try await Self.rawWebhook(ingress, id: "wh", timestamp: "\(Int(Date().timeIntervalSince1970))", signature: "v1,AAAA")
            #expect(signature.status == 429, "webhook signatures count against the same address")
            try await eventually("the address to get a token back", timeout: .seconds(5)) {
                try await ingress.send(.get, "/v1/jobs", key: key).status == 200
            }
            await ingress.client.shutdown()
        }
    }

    @Test func aTavusWebhookPassesItsDataObjectThroughAndItsTranscriptIsAnalysed() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            try fleet.startWorker(["analysis"])
            let body = #"""
                {"event_type":"conversation_ended","conversation_id":"conv-data","data":{"transcript":[
                  {"role":"user","content":"We need a recipe app called Pantry Pal where families plan meals and share shopping lists."}]}}
                """#
            #expect(try await ingress.webhook(body: body, id: "wh-data").status == 200)
            try await eventually("the project from data.transcript", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM projects WHERE conversation_id = 'conv-data'") == 1
            }
            #expect(try await fleet.text("SELECT transcript_source FROM conversations WHERE external_id = 'conv-data'") == "inline")

            // A transcript the worker can't read is refused where it comes in, naming where it is
            // (found by the fleet fuzzer: the analysis worker dead-lettered these).
            for (member, transcript) in [("properties", #"[false,[{"role":"user"}]]"#), ("data", #"{"k1":1}"#), ("properties", #""Bob:  ""#)] {
                let refused = try await ingress.webhook(
                    body: #"{"event_type":"conversation_ended","conversation_id":"conv-bad","\#(member)":{"transcript":\#(transcript)}}"#)
                #expect(refused.status == 422 && refused.errorField == "\(member).transcript", "\(refused.status) \(refused.bodyText)")
            }
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE event_type IS NOT NULL") == 1, "only the first was accepted")
            await ingress.client.shutdown()
        }
    }
}
