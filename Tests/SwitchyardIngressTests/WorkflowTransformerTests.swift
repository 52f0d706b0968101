// The `llm` and `transcribe` transformers in jobs, against a fake OpenAI server and real audio.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct WorkflowTransformerTests {
    @Test func anLLMStepSendsItsRenderedPromptAndReturnsTheModelsJSON() async throws {
        try await withFleet { fleet in
            let llm = try LoopbackHTTPServer(scripts: ["/v1/chat/completions": [
                VendorFailureTests.chat("", delay: .zero).with(status: 503),
                VendorFailureTests.chat(#"```json\#n{"sentiment": "positive", "score": 0.9}\#n```"#),
            ]])
            defer { llm.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.configure("sentiment", """
                {"type": "llm", "config": {"system": "You grade reviews. Key: {{secrets.tag}}", "prompt": "Grade: {{input.review}}",
                 "json": true, "temperature": 0.2, "secrets": {"tag": "tag-0451"}}}
                """)
            try await harness.define("grade", """
                {"start_step": "grade", "steps": {"grade": {"transformer_id": "sentiment", "input_map": {"review": "$.job_input.text"},
                  "retry": {"max_retries": 1, "backoff_seconds": 0.2}}}}
                """)
            try harness.worker(fleet, environment: [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_API_KEY": "sk-test",
                "SWITCHYARD_OPENAI_MODEL": "fake-model",
            ])
            let done = try await harness.wait(try await harness.start("grade", input: #"{"text":"Lovely tea"}"#), for: "completed")
            #expect((done["final_result"] as? [String: Any])?["sentiment"] as? String == "positive", "\(done)")
            #expect(done["retry_count"] as? Int == 1, "the 503 was retried by the step's policy")
            let request = try JSONSerialization.jsonObject(with: Data(try #require(llm.requests.last).body)) as? [String: Any] ?? [:]
            let messages = request["messages"] as? [[String: String]] ?? []
            #expect(messages.map { $0["role"] ?? "" } == ["system", "user"])
            #expect(messages.first?["content"] == "You grade reviews. Key: tag-0451")
            #expect(messages.last?["content"] == "Grade: Lovely tea")
            #expect((request["response_format"] as? [String: String]) == ["type": "json_object"])
            #expect(request["model"] as? String == "fake-model" && request["temperature"] as? Double == 0.2)
            #expect(llm.requests.last?.header("Authorization") == "Bearer sk-test")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'llm'", settlingAt: 2) == 2)
            await harness.ingress.client.shutdown()
        }
    }

    /// Steps over the fleet's own `llm` limit wait for it and keep their retries: four jobs
    /// with no retries at all, under a rate of 2/s after a burst of 1, all complete.
    @Test func anLLMStepOverTheFleetsLimitIsDeferredWithoutUsingARetry() async throws {
        try await withFleet { fleet in
            let llm = try LoopbackHTTPServer(routes: ["/v1/chat/completions": VendorFailureTests.chat(#"{"ok": true}"#)])
            defer { llm.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.configure("ask", #"{"type": "llm", "config": {"prompt": "Say {{input.n}}", "json": true}}"#)
            try await harness.define("ask", """
                {"start_step": "ask", "steps": {"ask": {"transformer_id": "ask", "input_map": {"n": "$.job_input.n"},
                  "retry": {"max_retries": 0}}}}
                """)
            try harness.worker(fleet, environment: [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_MODEL": "fake-model",
                "SWITCHYARD_LLM_RATE": "2", "SWITCHYARD_LLM_BURST": "1",
            ])
            var jobs: [String] = []
            for n in 0..<4 { jobs.append(try await harness.start("ask", input: #"{"n":\#(n)}"#)) }
            for job in jobs {
                let done = try await harness.wait(job, for: "completed")
                #expect(done["retry_count"] as? Int == 0, "a deferral is not a retry: \(done)")
                #expect((done["final_result"] as? [String: Any])?["ok"] as? Bool == true)
            }
            #expect(llm.requests.count == 4, "each step called the model once")
            #expect(fleet.logs().contains("provider_rate"), "steps over the limit were deferred")
            await harness.ingress.client.shutdown()
        }
    }

    /// A model's 429 is retried under the step's policy, but no sooner than its `Retry-After`.
    @Test func anLLMStepAnswered429IsRetriedNoSoonerThanItsRetryAfter() async throws {
        try await withFleet { fleet in
            var limited = VendorFailureTests.chat("").with(status: 429)
            limited.headers.append(("Retry-After", "2"))
            let llm = try LoopbackHTTPServer(scripts: ["/v1/chat/completions": [limited, VendorFailureTests.chat(#"{"ok": true}"#)]])
            defer { llm.stop() }
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.configure("ask", #"{"type": "llm", "config": {"prompt": "Say hi", "json": true}}"#)
            try await harness.define("ask", """
                {"start_step": "ask", "steps": {"ask": {"transformer_id": "ask", "retry": {"max_retries": 1, "backoff_seconds": 0.2}}}}
                """)
            try harness.worker(fleet, environment: [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_MODEL": "fake-model",
            ])
            let done = try await harness.wait(try await harness.start("ask"), for: "completed")
            #expect(done["retry_count"] as? Int == 1, "the 429 used the step's one retry: \(done)")
            let arrivals = llm.requests.map(\.receivedAt)
            try #require(arrivals.count == 2)
            #expect(arrivals[1] - arrivals[0] >= .seconds(2), "the retry came \(arrivals[1] - arrivals[0]) after the 429, which asked for 2 s")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func aTranscribeStepFindsTheSpeechInAWAVFileOffline() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            try await harness.define("listen", """
                {"start_step": "listen", "steps": {"listen": {"transformer_id": "transcribe",
                  "input_map": {"audio_base64": "$.job_input.audio", "mime_type": "$.job_input.type"}}}}
                """)
            try harness.worker(fleet)
            // Two bursts of a 440 Hz tone, 0.5–1.5 s and 2.5–3.0 s, in 3.5 s of 16 kHz mono 16-bit PCM.
            let wav = Self.wav(seconds: 3.5, sampleRate: 16_000, bursts: [(0.5, 1.5), (2.5, 3.0)])
            let id = try await harness.start("listen", input: #"{"audio":"\#(wav.base64EncodedString())","type":"audio/wav"}"#)
            let done = try await harness.wait(id, for: "completed")
            let result = try #require(done["final_result"] as? [String: Any])
            #expect(result["offline"] as? Bool == true)
            let segments = try #require(result["segments"] as? [[String: Any]])
            #expect(segments.count == 2, "\(segments)")
            let bounds = segments.compactMap { segment in (segment["start"] as? Double).flatMap { start in (segment["end"] as? Double).map { (start, $0) } } }
            for (found, expected) in zip(bounds, [(0.5, 1.5), (2.5, 3.0)]) {
                #expect(abs(found.0 - expected.0) < 0.1 && abs(found.1 - expected.1) < 0.1, "\(found) vs \(expected)")
            }
            #expect(segments.allSatisfy { $0["text"] is NSNull })

            let noise = try await harness.wait(
                try await harness.start("listen", input: #"{"audio":"bm90IGF1ZGlv","type":"audio/wav"}"#), for: "failed")
            #expect((noise["error"] as? String)?.contains("transcribe:") == true, "\(noise["error"] ?? "")")
            await harness.ingress.client.shutdown()
        }
    }

    /// A 16-bit PCM mono WAV file: silence with 440 Hz bursts at half scale.
    static func wav(seconds: Double, sampleRate: Int, bursts: [(Double, Double)]) -> Data {
        let count = Int(seconds * Double(sampleRate))
        var samples = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let time = Double(index) / Double(sampleRate)
            if bursts.contains(where: { time >= $0.0 && time < $0.1 }) {
                samples[index] = Int16(16_000 * sin(2 * Double.pi * 440 * time))
            }
        }
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); append(UInt32(36 + count * 2)); data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16)); append(UInt16(1)); append(UInt16(1)); append(UInt32(sampleRate)); append(UInt32(sampleRate * 2))
        append(UInt16(2)); append(UInt16(16)); data.append(contentsOf: Array("data".utf8)); append(UInt32(count * 2))
        for sample in samples { append(sample) }
        return data
    }
}

extension LoopbackRoute {
    /// The same answer with another status.
    func with(status: Int) -> LoopbackRoute {
        var route = self
        route.status = status
        return route
    }
}
