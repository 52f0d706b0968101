// The offline transcriber end to end: espeak-ng speech and generated tones, inline and downloaded.

import Foundation
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardTestSupport
import SwitchyardTranscription
import Testing

@Suite struct OfflineTranscriberTests {
    /// One tone test: two 440 Hz bursts at 0.5-1.5 s and 2.5-3.0 s in 4 s.
    struct ToneCase: Sendable, CustomTestStringConvertible {
        var sampleRate: Int
        var channels: Int
        var noiseDBFS: Double?
        var testDescription: String { "\(sampleRate) Hz, \(channels) channel(s), noise \(noiseDBFS.map { "\($0) dBFS" } ?? "none")" }
    }

    static let toneCases = [
        ToneCase(sampleRate: 8_000, channels: 1), ToneCase(sampleRate: 8_000, channels: 2, noiseDBFS: -60),
        ToneCase(sampleRate: 16_000, channels: 1, noiseDBFS: -65), ToneCase(sampleRate: 22_050, channels: 2),
        ToneCase(sampleRate: 44_100, channels: 1, noiseDBFS: -55), ToneCase(sampleRate: 48_000, channels: 1),
        ToneCase(sampleRate: 48_000, channels: 2, noiseDBFS: -60),
    ]

    @Test(arguments: toneCases)
    func twoToneBurstsAreExactlyTwoSegments(_ tone: ToneCase) async throws {
        let left = Signal.tones([0.5...1.5, 2.5...3.0], duration: 4, sampleRate: tone.sampleRate, noiseDBFS: tone.noiseDBFS)
        // The second channel: the same bursts for one case in two, else only the noise (the tone mixed down at -6 dB).
        let right = tone.sampleRate == 22_050 ? left : Signal.noise(duration: 4, sampleRate: tone.sampleRate, dBFS: tone.noiseDBFS)
        let wav = WAVWriter(sampleRate: tone.sampleRate, channels: Array([left, right].prefix(tone.channels))).bytes
        let transcription = try await transcribeInline(wav)
        expectBoundaries(transcription.segments, [(0.5, 1.5), (2.5, 3.0)])
        #expect(transcription.offline)
    }

    @Test func pureSilenceHasNoSegments() async throws {
        let transcription = try await transcribeInline(WAVWriter(sampleRate: 16_000, samples: [Float](repeating: 0, count: 48_000)).bytes)
        #expect(transcription.segments.isEmpty)
        #expect(transcription.json == ["segments": [], "offline": true])
    }

    @Test func theOutputIsTheStepsJSON() async throws {
        let wav = WAVWriter(sampleRate: 8_000, samples: Signal.tones([0.5...1.5], duration: 2, sampleRate: 8_000)).bytes
        let transcription = try await transcribeInline(wav)
        let segment = try #require(transcription.segments.first)
        #expect(transcription.json == ["segments": [["start": .double(segment.start), "end": .double(segment.end), "text": nil]], "offline": true])
        let text = String(decoding: try JSONEncoder().encode(transcription.json), as: UTF8.self)
        #expect(text.contains(#""text":null"#) && text.contains(#""offline":true"#), "\(text)")
    }

    @Test func threeSpokenSentencesSeparatedByPausesAreThreeSegments() async throws {
        let sentences = ["The quick brown fox jumps over the lazy dog.", "Switchyard moves every message between the workers.",
                         "Each transcript starts with a timestamp."]
        var samples = [Float](repeating: 0, count: 11_025)
        var spoken: [(Double, Double)] = []
        for sentence in sentences {
            let speech = try WAVFile(bytes: try await Speech.espeak(sentence))
            #expect(speech.sampleRate == 22_050 && speech.channelCount == 1)
            spoken.append(Self.audibleSpan(speech.samples, offset: samples.count, sampleRate: 22_050))
            samples += speech.samples + [Float](repeating: 0, count: 22_050)
        }
        let transcription = try await transcribeInline(WAVWriter(sampleRate: 22_050, samples: samples).bytes)
        expectBoundaries(transcription.segments, spoken)
    }

    @Test func espeakWordGapsSplitWords() async throws {
        let wav = try await Speech.espeak("one two three", arguments: ["-g", "60"])
        let speech = try WAVFile(bytes: wav)
        let transcription = try await transcribeInline(wav, mimeType: "audio/x-wav")
        #expect(transcription.segments.count == 3, "\(transcription.segments) in \(speech.duration) s")
        #expect(transcription.segments.allSatisfy { $0.end - $0.start > 0.15 && $0.text == nil })
    }

    @Test(arguments: [8_000, 48_000])
    func speechResampledToStereoInOneChannelIsFoundTheSame(sampleRate: Int) async throws {
        let speech = try WAVFile(bytes: try await Speech.espeak("Hello there. <break time=\"900ms\"/> How are you today?", arguments: ["-m"]))
        let reference = try await transcribeInline(WAVWriter(sampleRate: 22_050, samples: speech.samples).bytes)
        #expect(reference.segments.count == 2, "\(reference.segments)")
        let left = Self.resample(speech.samples, from: 22_050, to: sampleRate)
        let stereo = WAVWriter(sampleRate: sampleRate, channels: [left, [Float](repeating: 0, count: left.count)]).bytes
        let transcription = try await transcribeInline(stereo, mimeType: "audio/wave")
        expectBoundaries(transcription.segments, reference.segments.map { ($0.start, $0.end) }, tolerance: 0.030)
    }

    @Test func speechWithoutAnyPauseIsStillFound() async throws {
        let speech = try WAVFile(bytes: try await Speech.espeak("Switchyard moves every message between the workers."))
        let (start, end) = Self.audibleSpan(speech.samples, offset: 0, sampleRate: 22_050)
        let trimmed = Array(speech.samples[Int(start * 22_050)..<Int(end * 22_050)])
        let transcription = try await transcribeInline(WAVWriter(sampleRate: 22_050, samples: trimmed).bytes)
        let covered = transcription.segments.map { $0.end - $0.start }.reduce(0, +)
        #expect(covered >= 0.8 * (end - start), "\(transcription.segments) of \(end - start) s")
    }

    @Test func otherMediaTypesAreRefusedBeforeAnyDownload() async throws {
        let server = try LoopbackHTTPServer(routes: ["/clip.mp3": LoopbackRoute(body: [0xFF, 0xFB])])
        defer { server.stop() }
        try await withDownloads("127.0.0.1:\(server.port)") { downloads in
            let input = TranscriptionInput(source: .url(server.url("/clip.mp3")), mimeType: "audio/mpeg")
            let error = await #expect(throws: ProviderError.self) { try await OfflineTranscriber(downloads: downloads).transcribe(input) }
            #expect(error?.kind == .permanent && error?.errorClass == "validation")
            #expect(error?.message.hasPrefix("mime_type: the offline transcriber reads WAV") == true, "\(error?.message ?? "")")
        }
        #expect(server.requests.isEmpty)
    }

    @Test func anAudioURLOnLoopbackIsRefusedByTheGuardUnlessAllowListed() async throws {
        let wav = WAVWriter(sampleRate: 16_000, samples: Signal.tones([0.5...1.5, 2.5...3.0], duration: 4, sampleRate: 16_000)).bytes
        let server = try LoopbackHTTPServer(routes: ["/clip.wav": LoopbackRoute(headers: [("Content-Type", "audio/wav")], body: wav)])
        defer { server.stop() }
        let input = try TranscriptionInput(json: ["audio_url": .string(server.url("/clip.wav")), "mime_type": "audio/wav"])
        try await withDownloads("") { downloads in
            let error = await #expect(throws: ProviderError.self) { try await OfflineTranscriber(downloads: downloads).transcribe(input) }
            #expect(error?.kind == .permanent && error?.errorClass == "forbidden_url", "\(String(describing: error))")
            #expect(error?.message.contains("127.0.0.0/8 (loopback) and not on the allow list") == true, "\(error?.message ?? "")")
        }
        #expect(server.acceptedConnections == 0, "nothing was sent")
        try await withDownloads("127.0.0.1:\(server.port)") { downloads in
            let transcription = try await OfflineTranscriber(downloads: downloads).transcribe(input)
            expectBoundaries(transcription.segments, [(0.5, 1.5), (2.5, 3.0)])
        }
        #expect(server.requests.map { "\($0.method) \($0.path)" } == ["GET /clip.wav"])
    }

    @Test func downloadFailuresAreClassified() async throws {
        let server = try LoopbackHTTPServer(routes: [
            "/missing.wav": .text("no", status: 404), "/busy.wav": .text("later", status: 503),
            "/slow.wav": .text("later", status: 429, headers: [("Retry-After", "12")]),
            "/big.wav": LoopbackRoute(body: [UInt8](repeating: 1, count: 4_096)), "/empty.wav": LoopbackRoute(),
        ])
        defer { server.stop() }
        try await withDownloads("127.0.0.1:\(server.port)") { downloads in
            let transcriber = OfflineTranscriber(downloads: downloads, maxAudioBytes: 2_048)
            func failure(_ path: String) async -> ProviderError? {
                await #expect(throws: ProviderError.self, "\(path)") {
                    try await transcriber.transcribe(TranscriptionInput(source: .url(server.url(path)), mimeType: "audio/wav"))
                }
            }
            let missing = await failure("/missing.wav")
            #expect(missing?.kind == .permanent && missing?.errorClass == "upstream_404")
            let busy = await failure("/busy.wav")
            #expect(busy?.kind == .transient && busy?.errorClass == "upstream_5xx")
            let slow = await failure("/slow.wav")
            #expect(slow?.kind == .rateLimited(retryAfter: .seconds(12)))
            let big = await failure("/big.wav")
            #expect(big?.kind == .permanent && big?.errorClass == "audio_too_large", "\(String(describing: big))")
            let empty = await failure("/empty.wav")
            #expect(empty?.kind == .permanent && empty?.message == "audio_url: the server sent no audio")
        }
    }

    @Test func inlineAudioIsHeldToTheLimitAndMustBeWAV() async throws {
        try await withDownloads("") { downloads in
            let big = TranscriptionInput(source: .inline([UInt8](repeating: 0, count: 4_096)), mimeType: "audio/wav")
            let tooLarge = await #expect(throws: ProviderError.self) {
                try await OfflineTranscriber(downloads: downloads, maxAudioBytes: 1_024).transcribe(big)
            }
            #expect(tooLarge?.errorClass == "audio_too_large")
            let notWAV = TranscriptionInput(source: .inline(Array("ID3 not a wave".utf8)), mimeType: "audio/wav")
            let invalid = await #expect(throws: ProviderError.self) { try await OfflineTranscriber(downloads: downloads).transcribe(notWAV) }
            #expect(invalid?.kind == .permanent && invalid?.errorClass == "invalid_audio")
        }
    }

    /// The offline transcription of `wav` given inline as base64, as a step would.
    private func transcribeInline(_ wav: [UInt8], mimeType: String = "audio/wav") async throws -> Transcription {
        try await withDownloads("") { downloads in
            let input = try TranscriptionInput(json: ["audio_base64": .string(Data(wav).base64EncodedString()), "mime_type": .string(mimeType)])
            return try await OfflineTranscriber(downloads: downloads).transcribe(input)
        }
    }

    /// From the first to the last sample louder than -40 dBFS, in seconds, shifted by `offset` samples.
    private static func audibleSpan(_ samples: [Float], offset: Int, sampleRate: Int) -> (Double, Double) {
        let first = samples.firstIndex { abs($0) > 0.01 } ?? 0, last = samples.lastIndex { abs($0) > 0.01 } ?? 0
        return (Double(offset + first) / Double(sampleRate), Double(offset + last + 1) / Double(sampleRate))
    }

    /// `samples` at another rate, by linear interpolation.
    private static func resample(_ samples: [Float], from source: Int, to target: Int) -> [Float] {
        let count = samples.count * target / source
        return (0..<count).map { index in
            let position = Double(index) * Double(source) / Double(target)
            let lower = min(Int(position), samples.count - 1), upper = min(lower + 1, samples.count - 1)
            let fraction = Float(position - Double(lower))
            return samples[lower] * (1 - fraction) + samples[upper] * fraction
        }
    }
}

/// Runs `body` with a download client guarded by `allowList`, shut down afterwards.
func withDownloads<Value>(_ allowList: String, _ body: (HTTPClient) async throws -> Value) async throws -> Value {
    let downloads = HTTPClient(configuration: .init(userAgent: "switchyard-tests", outboundPolicy: try OutboundPolicy(allowList: allowList)))
    do {
        let value = try await body(downloads)
        await downloads.shutdown()
        return value
    } catch {
        await downloads.shutdown()
        throw error
    }
}
