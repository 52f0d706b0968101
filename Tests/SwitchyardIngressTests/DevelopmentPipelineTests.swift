import Foundation
import SwitchyardAMQP
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// Pipeline 1 with the offline providers: a signed conversation_ended webhook in, the project
/// analysed, planned, built by the simulator (whose callbacks come back through the signed
/// kiro webhook), followed live over SSE.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DevelopmentPipelineTests {
    static let buildSecret = "whsec_" + Data("switchyard-test-build-service-secret".utf8).base64EncodedString()

    static let webhook = #"""
        {"event_type":"conversation_ended","conversation_id":"conv-bloom","properties":{"transcript":[
          {"role":"assistant","content":"Thanks for joining. What would you like to build?"},
          {"role":"user","content":"We run three flower shops and need a booking app called Bloom Booking. Customers should be able to reserve a bouquet online and pay with Stripe. Staff want to see the day's orders on a tablet."},
          {"role":"assistant","content":"When do you need it?"},
          {"role":"user","content":"In six weeks if possible. It must work on phones too."}
        ]}}
        """#

    @Test func aConversationBecomesACompletedProjectThroughAnalysisPlanningAndBuild() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_WEBHOOK_SECRET_KIRO": Self.buildSecret])
            try fleet.startWorker(["analysis", "planning", "build"], environment: [
                "SWITCHYARD_WEBHOOK_SECRET_KIRO": Self.buildSecret, "SWITCHYARD_PUBLIC_URL": "http://127.0.0.1:\(ingress.port)",
            ])
            let accepted = try await ingress.webhook(body: Self.webhook, id: "call-1")
            #expect(accepted.status == 200, "\(accepted.bodyText)")

            try await eventually("the analysis to create the project", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM projects WHERE conversation_id = 'conv-bloom'") == 1
            }
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", "00000000-0000-0000-0000-000000000000"])
            let found = try await ingress.send(.get, "/v1/projects?conversation_id=conv-bloom", key: key)
            let projectID = try #require((found.json["projects"] as? [[String: Any]])?.first?["project_id"] as? String, "\(found.bodyText)")
            #expect(try await fleet.text("SELECT id::text FROM projects WHERE conversation_id = 'conv-bloom'") == projectID)
            let stream = try await EventStreamClient.connect(
                port: ingress.port, path: "/v1/projects/\(projectID)/events", headers: ["Authorization": "Bearer \(key)"])
            let events = try await stream.rest(timeout: .seconds(30))
            stream.close()
            let timeline = events.map { event in
                event.event == "status" ? "\(event.json["status"] ?? "")" : "build \(event.json["sequence"] ?? "") \(event.json["kind"] ?? "")"
            }
            #expect(timeline == [
                "planning", "ready_to_build", "building", "build 0 progress", "build 1 progress", "build 2 progress",
                "build 3 progress", "build 4 completed", "completed",
            ], "\(fleet.logs())")
            #expect(events.map(\.id) == (1...9).map { "\($0)" })

            let project = try await ingress.send(.get, "/v1/projects/\(projectID)", key: key)
            #expect(project.json["name"] as? String == "Bloom Booking")
            #expect((project.json["build_events"] as? [Any])?.count == 5)
            #expect(try await fleet.count("SELECT count(*) FROM projects WHERE plan IS NOT NULL AND completed_at IS NOT NULL") == 1)
            #expect(try await fleet.text("SELECT string_agg(endpoint, ', ' ORDER BY id) FROM api_usage WHERE offline", settlingAt: "offline: analyse, offline: plan, offline: start build")
                == "offline: analyse, offline: plan, offline: start build")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE endpoint = 'offline: plan' AND response_time_ms > 0", settlingAt: 1) == 1,
                    "a call shorter than a millisecond keeps its time (microseconds)")
            #expect(try await fleet.count("SELECT count(*) FROM conversations WHERE transcript_source = 'inline'") == 1)
            try await eventually("four signed callbacks' receipts", timeout: .seconds(10)) {
                try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE source = 'kiro'") == 4
            }
            // After the project finished: a late report is history and leaves the project as it
            // is; reports that could never name a build's event are dead letters at once (an
            // empty build id went through every retry tier for minutes).
            let buildID = try await fleet.text("SELECT build_id FROM projects WHERE id = '\(projectID)'")
            func report(_ body: String, id: String) -> AMQPOutgoingMessage {
                AMQPOutgoingMessage(exchange: "", routingKey: "sy.work.build", body: Array(body.utf8), properties: AMQPProperties(messageID: id, type: "build.reported"))
            }
            try await AbuseWorkerTests.publish(fleet, [
                report(#"{"v":1,"build_id":"\#(buildID)","kind":"failed","sequence":5}"#, id: "late-failure"),
                report(#"{"v":1,"build_id":"","kind":"progress","sequence":1}"#, id: "no-build"),
                report(#"{"v":1,"build_id":"\#(buildID)","kind":"weird","sequence":1}"#, id: "weird-kind"),
                report(#"{"v":1,"build_id":"\#(buildID)","kind":"progress","sequence":-1}"#, id: "negative"),
            ])
            try await eventually("the malformed reports to be dead letters and the late one handled", timeout: .seconds(15)) {
                let handled = try await fleet.count("SELECT count(*) FROM inbox WHERE message_id = 'late-failure'")
                return try await fleet.depths(["sy.dlq.build"])["sy.dlq.build"] == 3 && handled == 1
            }
            #expect(try await fleet.count("SELECT count(*) FROM build_events WHERE project_id = '\(projectID)'") == 6)
            #expect(try await fleet.text("SELECT status FROM projects WHERE id = '\(projectID)'") == "completed")
            await ingress.client.shutdown()
        }
    }

    @Test func transcriptsComeFromTheWebhookAURLOrTheVendorsAPI() async throws {
        try await withFleet { fleet in
            let conversation: [String: Any] = [
                "conversation_id": "conv-api", "status": "ended",
                "events": [
                    ["event_type": "system.replica_joined", "properties": [:]],
                    ["event_type": "application.transcription_ready", "properties": ["transcript": [
                        ["role": "system", "content": "You are a helpful interviewer."],
                        ["role": "user", "content": "We need an inventory tracker for our bakery."],
                    ]]],
                ],
            ]
            let vendor = try LoopbackHTTPServer(scripts: [
                "/files/call.txt": [.text("Agent: Hi!\nOwner: We want a loyalty program for our cafe.")],
                "/v2/conversations/conv-api": [
                    LoopbackRoute(status: 200, headers: [("Content-Type", "application/json")],
                                  body: Array(#"{"conversation_id":"conv-api","status":"ended","events":[]}"#.utf8)),
                    LoopbackRoute(status: 200, headers: [("Content-Type", "application/json")],
                                  body: Array((try? JSONSerialization.data(withJSONObject: conversation)) ?? Data())),
                ],
            ])
            defer { vendor.stop() }
            let ingress = try await IngressHarness.start(fleet)
            try fleet.startWorker(["analysis"], environment: [
                "SWITCHYARD_TRANSCRIPTS": "tavus", "SWITCHYARD_TAVUS_BASE_URL": vendor.url("/v2"), "SWITCHYARD_TAVUS_API_KEY": "tavus-key",
                // The transcript_url is a loopback fake: refused unless allowed (OutboundGuardPipelineTests).
                "SWITCHYARD_OUTBOUND_ALLOW": "127.0.0.1:\(vendor.port)",
            ])
            let byURL = #"{"event_type":"conversation_ended","conversation_id":"conv-url","properties":{"transcript_url":"\#(vendor.url("/files/call.txt"))"}}"#
            #expect(try await ingress.webhook(body: byURL, id: "call-url").status == 200)
            #expect(try await ingress.webhook(body: #"{"event_type":"conversation_ended","conversation_id":"conv-api"}"#, id: "call-api").status == 200)
            try await eventually("both conversations to be analysed", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM projects") == 2
            }
            #expect(try await fleet.text("SELECT string_agg(external_id || ':' || transcript_source, ' ' ORDER BY external_id) FROM conversations")
                == "conv-api:vendor_api conv-url:url")
            #expect(try await fleet.text("SELECT requirements->>0 FROM projects WHERE conversation_id = 'conv-url'")
                == "We want a loyalty program for our cafe.")
            #expect(try await fleet.text("SELECT requirements->>0 FROM projects WHERE conversation_id = 'conv-api'")
                == "We need an inventory tracker for our bakery.", "the vendor's system prompt is not a requirement")
            let apiCalls = vendor.requests.filter { $0.path == "/v2/conversations/conv-api" }
            #expect(apiCalls.count == 2, "the first answer had no transcript yet: retried")
            #expect(apiCalls.allSatisfy { $0.header("x-api-key") == "tavus-key" && $0.target.hasSuffix("?verbose=true") })
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'transcripts' AND error LIKE 'transcript_not_ready%'", settlingAt: 1) == 1)
            await ingress.client.shutdown()
        }
    }
}
