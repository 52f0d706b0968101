// The outbound guard in the real processes: a producer's transcript_url on loopback is refused
// by the analysis worker and dead-lettered, unless SWITCHYARD_OUTBOUND_ALLOW lets it through.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct OutboundGuardPipelineTests {
    static let transcriptPath = "/internal/call.txt"
    static let transcript = "Agent: Hi!\nOwner: We want a loyalty program for our cafe."

    /// A producer's `conversation.ended` whose transcript is at `url`.
    static func event(_ conversationID: String, transcriptURL url: String) -> String {
        #"{"type":"conversation.ended","body":{"v":1,"conversation_id":"\#(conversationID)","transcript_url":"\#(url)"}}"#
    }

    @Test func aTranscriptURLOnLoopbackIsDeadLetteredAsForbiddenAndNeverFetched() async throws {
        try await withFleet { fleet in
            let intranet = try LoopbackHTTPServer(routes: [Self.transcriptPath: .text(Self.transcript)])
            defer { intranet.stop() }
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "acme"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet)
            try fleet.startWorker(["analysis", "dead-letters"])

            let accepted = try await EventsTests.post(
                ingress, key: key, body: Self.event("conv-ssrf", transcriptURL: intranet.url(Self.transcriptPath)))
            #expect(accepted.status == 202, "\(accepted.bodyText)")
            try await eventually("the event to be dead-lettered and archived", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE error_class = 'forbidden_url'") == 1
            }
            #expect(try await fleet.text("SELECT origin_queue || ' ' || reason || ' ' || attempts FROM dead_letters")
                == "sy.work.analysis worker 1", "permanent: not retried")
            let error = try await fleet.text("SELECT error FROM dead_letters")
            #expect(error.contains("refused http://127.0.0.1:\(intranet.port): 127.0.0.1 is in 127.0.0.0/8 (loopback)"), "\(error)")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'transcripts' AND error LIKE 'forbidden_url: %'", settlingAt: 1) == 1)
            #expect(try await fleet.count("SELECT count(*) FROM projects") == 0)
            #expect(try await fleet.count("SELECT count(*) FROM conversations") == 0)
            let listed = try await ingress.send(.get, "/v1/projects?conversation_id=conv-ssrf", key: key)
            #expect(listed.status == 200 && (listed.json["projects"] as? [Any])?.isEmpty == true, "\(listed.bodyText)")
            #expect(intranet.acceptedConnections == 0, "the loopback server received nothing")
            #expect(intranet.requests.isEmpty)
            await ingress.client.shutdown()
        }
    }

    @Test func withTheServerOnTheAllowListTheTranscriptIsDownloadedAndAnalysed() async throws {
        try await withFleet { fleet in
            let intranet = try LoopbackHTTPServer(routes: [Self.transcriptPath: .text(Self.transcript)])
            defer { intranet.stop() }
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "acme"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet)
            try fleet.startWorker(["analysis", "dead-letters"], environment: ["SWITCHYARD_OUTBOUND_ALLOW": "127.0.0.1:\(intranet.port)"])

            let accepted = try await EventsTests.post(
                ingress, key: key, body: Self.event("conv-allowed", transcriptURL: intranet.url(Self.transcriptPath)))
            #expect(accepted.status == 202, "\(accepted.bodyText)")
            try await eventually("the project to be created", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM projects WHERE conversation_id = 'conv-allowed'") == 1
            }
            let listed = try await ingress.send(.get, "/v1/projects?conversation_id=conv-allowed", key: key)
            let project = try #require((listed.json["projects"] as? [[String: Any]])?.first, "\(listed.bodyText)")
            #expect(project["status"] as? String == "planning")
            #expect(try await fleet.text("SELECT requirements->>0 FROM projects") == "We want a loyalty program for our cafe.")
            #expect(try await fleet.text("SELECT transcript_source FROM conversations") == "url")
            #expect(intranet.requests.map(\.path) == [Self.transcriptPath])
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters") == 0)
            await ingress.client.shutdown()
        }
    }
}
