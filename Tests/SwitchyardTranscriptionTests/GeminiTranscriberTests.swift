// The Gemini transcriber against a fake generateContent on loopback that speaks Gemini's wire format.

import Foundation
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardTestSupport
import SwitchyardTranscription
import Testing

@Suite struct GeminiTranscriberTests {
    static let path = "/v1beta/models/gemini-test:generateContent"
    static let audio: [UInt8] = Array("ID3 some mp3 bytes /+/+ ".utf8) + (0...255).map(UInt8.init)
    static let transcript = #"{"segments":[{"start":0.5,"end":1.25,"text":"Hello there."},{"start":2,"end":3.0004,"text":"How are you?"}]}"#

    /// A `generateContent` answer whose candidate has these parts.
    static func answer(parts: [JSONValue], finishReason: String = "STOP", status: Int = 200) -> LoopbackRoute {
        let body: JSONValue = [
            "candidates": [["content": ["role": "model", "parts": .array(parts)], "finishReason": .string(finishReason), "index": 0]],
            "usageMetadata": ["promptTokenCount": 120, "candidatesTokenCount": 40, "totalTokenCount": 160],
            "modelVersion": "gemini-test",
        ]
        return LoopbackRoute(status: status, headers: [("Content-Type", "application/json; charset=UTF-8")], body: Array(try! JSONEncoder().encode(body)))
    }

    /// A `generateContent` answer whose text is `text`.
    static func answer(text: String) -> LoopbackRoute {
        answer(parts: [.object(["text": .string(text)])])
    }

    @Test func aGoodAnswerIsTheSegmentsAndTheRequestIsGeminisFormat() async throws {
        // A thought first, then the transcript split over two text parts.
        let half = Self.transcript.index(Self.transcript.startIndex, offsetBy: 40)
        let route = Self.answer(parts: [
            ["text": "Let me listen carefully.", "thought": true],
            .object(["text": .string(String(Self.transcript[..<half]))]), .object(["text": .string(String(Self.transcript[half...]))]),
        ])
        let (result, server) = try await transcribe(route, input: TranscriptionInput(source: .inline(Self.audio), mimeType: "audio/mpeg"))
        let transcription = try result.get()
        #expect(transcription.segments == [
            .init(start: 0.5, end: 1.25, text: "Hello there."), .init(start: 2, end: 3, text: "How are you?"),
        ])
        #expect(!transcription.offline)
        #expect(transcription.json == ["segments": [
            ["start": 0.5, "end": 1.25, "text": "Hello there."], ["start": 2.0, "end": 3.0, "text": "How are you?"],
        ]])

        let request = try #require(server.requests.first)
        #expect(request.method == "POST" && request.path == Self.path)
        #expect(request.header("x-goog-api-key") == "test-key")
        #expect(request.header("Content-Type") == "application/json")
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(request.body))
        let parts = try #require(body["contents"]?[0]?["parts"]?.array)
        #expect(parts.count == 2)
        let prompt = try #require(parts[0]["text"]?.string)
        #expect(prompt.contains(#"{"segments": [{"start": "#) && prompt.contains("seconds"), "\(prompt)")
        #expect(parts[1]["inlineData"]?["mimeType"] == "audio/mpeg")
        #expect(parts[1]["inlineData"]?["data"]?.string == Data(Self.audio).base64EncodedString())
        #expect(!String(decoding: request.body, as: UTF8.self).contains(#"\/"#), "slashes are not escaped")
        let generation = try #require(body["generationConfig"])
        #expect(generation["responseMimeType"] == "application/json")
        #expect(generation["responseSchema"]?["properties"]?["segments"]?["items"]?["required"] == ["start", "end", "text"])
    }

    @Test func aFencedAnswerIsUnfenced() async throws {
        let (result, _) = try await transcribe(Self.answer(text: "```json\n\(Self.transcript)\n```\n"))
        #expect(try result.get().segments.map(\.text) == ["Hello there.", "How are you?"])
    }

    @Test func noSpeechIsNoSegments() async throws {
        let (result, _) = try await transcribe(Self.answer(text: #"{"segments": []}"#))
        #expect(try result.get().json == ["segments": []])
    }

    @Test(arguments: [
        ("Here is your transcript: Hello there.", "is not JSON"),
        (#"[{"start":0,"end":1,"text":"hi"}]"#, "is not an object with a segments array"),
        (#"{"segments":{"start":0}}"#, "is not an object with a segments array"),
        (#"{"segments":[{"start":2,"end":1,"text":"backwards"}]}"#, "has segments[0] ending (1.0) before it starts (2.0)"),
        (#"{"segments":[{"start":0,"end":1,"text":"ok"},{"start":-1,"end":1,"text":"negative"}]}"#, "has segments[1].start that is not a number"),
        (#"{"segments":[{"start":"00:01","end":"00:02","text":"clock"}]}"#, "has segments[0].start that is not a number"),
        (#"{"segments":[{"start":0,"text":"no end"}]}"#, "has segments[0].end that is not a number"),
        (#"{"segments":[{"start":0,"end":1}]}"#, "has segments[0].text that is not a string"),
        (#"{"segments":[{"start":0,"end":1,"text":null}]}"#, "has segments[0].text that is not a string"),
        (#"{"segments":["hello"]}"#, "has segments[0].start that is not a number"),
    ])
    func anInvalidTranscriptIsPermanent(_ text: String, _ problem: String) async throws {
        let (result, server) = try await transcribe(Self.answer(text: text))
        let error = try #require(result.failure)
        #expect(error.kind == .permanent && error.errorClass == "invalid_transcription", "\(error)")
        #expect(error.message.hasPrefix("Gemini's transcript \(problem)"), "\(error.message)")
        #expect(server.requests.count == 1, "not retried here: the worker's retry policy decides")
    }

    @Test func answersWithoutATranscriptArePermanent() async throws {
        let cases: [(LoopbackRoute, String, String)] = [
            (LoopbackRoute(body: Array("<html>".utf8)), "invalid_response", "Gemini: the answer is not JSON"),
            (LoopbackRoute(body: Array(#"{"candidates":[]}"#.utf8)), "invalid_response", "Gemini: the answer has no text part (finishReason none)"),
            (Self.answer(parts: [], finishReason: "MAX_TOKENS"), "invalid_response", "Gemini: the answer has no text part (finishReason MAX_TOKENS)"),
            (LoopbackRoute(body: Array(#"{"promptFeedback":{"blockReason":"OTHER"}}"#.utf8)), "content_policy", "Gemini blocked the prompt: OTHER"),
            (Self.answer(parts: [], finishReason: "SAFETY"), "content_policy", "Gemini stopped for SAFETY"),
        ]
        for (route, errorClass, message) in cases {
            let (result, _) = try await transcribe(route)
            let error = try #require(result.failure)
            #expect(error.kind == .permanent && error.errorClass == errorClass && error.message == message, "\(error)")
        }
    }

    @Test func tooManyRequestsIsRateLimitedForItsRetryAfter() async throws {
        let route = LoopbackRoute.text(#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#, status: 429, headers: [("Retry-After", "30")])
        let (result, _) = try await transcribe(route)
        let error = try #require(result.failure)
        #expect(error.kind == .rateLimited(retryAfter: .seconds(30)) && error.errorClass == "rate_limited" && error.statusCode == 429)
    }

    @Test func serverErrorsAndTimeoutsAreTransient() async throws {
        let (failed, _) = try await transcribe(.text(#"{"error":{"code":500,"status":"INTERNAL"}}"#, status: 500))
        #expect(failed.failure?.kind == .transient && failed.failure?.errorClass == "upstream_5xx" && failed.failure?.statusCode == 500)
        let (slow, _) = try await transcribe(LoopbackRoute(body: Array(Self.transcript.utf8), delay: .seconds(3)), timeout: .seconds(1))
        #expect(slow.failure?.kind == .transient && slow.failure?.errorClass == "timeout", "\(String(describing: slow.failure))")
    }

    @Test func otherClientErrorsArePermanent() async throws {
        let (result, _) = try await transcribe(.text(#"{"error":{"code":400,"status":"INVALID_ARGUMENT"}}"#, status: 400))
        #expect(result.failure?.kind == .permanent && result.failure?.errorClass == "upstream_400")
    }

    @Test func audioTooLargeToSendInlineIsRefusedWithoutARequest() async throws {
        let big = TranscriptionInput(source: .inline([UInt8](repeating: 1, count: 4_096)), mimeType: "audio/wav")
        let (result, server) = try await transcribe(Self.answer(text: Self.transcript), input: big, maxAudioBytes: 1_024)
        #expect(result.failure?.kind == .permanent && result.failure?.errorClass == "audio_too_large")
        #expect(server.requests.isEmpty)
        #expect(GeminiTranscriber.maxInlineAudioBytes == 14 << 20)
    }

    @Test func anAudioURLIsFetchedThroughTheGuardAndSentInline() async throws {
        let files = try LoopbackHTTPServer(routes: ["/talk.mp3": LoopbackRoute(headers: [("Content-Type", "audio/mpeg")], body: Self.audio)])
        defer { files.stop() }
        let input = try TranscriptionInput(json: ["audio_url": .string(files.url("/talk.mp3")), "mime_type": "audio/mpeg"])
        let (refused, gemini) = try await transcribe(Self.answer(text: Self.transcript), input: input)
        #expect(refused.failure?.errorClass == "forbidden_url" && refused.failure?.kind == .permanent)
        #expect(files.acceptedConnections == 0 && gemini.requests.isEmpty)
        let (fetched, allowedGemini) = try await transcribe(Self.answer(text: Self.transcript), input: input, allowList: "127.0.0.1:\(files.port)")
        #expect(try fetched.get().segments.count == 2)
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(allowedGemini.requests.first).body))
        #expect(body["contents"]?[0]?["parts"]?[1]?["inlineData"]?["data"]?.string == Data(Self.audio).base64EncodedString())
    }

    /// Runs one transcription against a fake Gemini answering `route`; returns the outcome and the server.
    private func transcribe(
        _ route: LoopbackRoute, input: TranscriptionInput = TranscriptionInput(source: .inline(audio), mimeType: "audio/wav"),
        timeout: Duration = .seconds(10), maxAudioBytes: Int = GeminiTranscriber.maxInlineAudioBytes, allowList: String = ""
    ) async throws -> (Result<Transcription, ProviderError>, LoopbackHTTPServer) {
        let server = try LoopbackHTTPServer(routes: [Self.path: route])
        defer { server.stop() }
        let result = try await withDownloads(allowList) { downloads in
            let transcriber = GeminiTranscriber(
                baseURL: server.url("/"), apiKey: "test-key", model: "gemini-test", timeout: timeout, downloads: downloads,
                maxAudioBytes: maxAudioBytes)
            #expect(transcriber.name == "gemini:gemini-test")
            do throws(ProviderError) {
                return Result<Transcription, ProviderError>.success(try await transcriber.transcribe(input))
            } catch {
                return .failure(error)
            }
        }
        return (result, server)
    }
}

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
