// The transcript download's guard: a URL from an event reaches only what the policy allows.

import SwitchyardDevelopment
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardTestSupport
import Testing

@Suite struct TranscriptDownloadTests {
    @Test func aLoopbackURLIsAPermanentForbiddenURLFailureAndNothingIsRequested() async throws {
        let server = try LoopbackHTTPServer(routes: ["/call.txt": .text("Agent: Hi!\nOwner: We want a loyalty app.")])
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await TranscriptDownload(policy: OutboundPolicy()).transcript(at: server.url("/call.txt"))
        }
        #expect(error?.kind == .permanent)
        #expect(error?.errorClass == "forbidden_url")
        #expect(error?.message.hasPrefix("transcript download: refused http://127.0.0.1:\(server.port): 127.0.0.1 is in 127.0.0.0/8") == true,
                "\(error?.message ?? "")")
        #expect(server.acceptedConnections == 0)
    }

    @Test func anAllowListedServerIsDownloadedFromAndRedirectsAreFollowed() async throws {
        let server = try LoopbackHTTPServer(routes: [
            "/moved": LoopbackRoute(status: 302, headers: [("Location", "/call.txt")]),
            "/call.txt": .text("Agent: Hi!\nOwner: We want a loyalty app."),
        ])
        defer { server.stop() }
        let download = TranscriptDownload(policy: try OutboundPolicy(allowList: "127.0.0.1:\(server.port)"))
        let transcript = try await download.transcript(at: server.url("/moved"))
        #expect(transcript.turns.last?.content == "We want a loyalty app.")
        #expect(server.requests.map(\.path) == ["/moved", "/call.txt"])
    }
}
