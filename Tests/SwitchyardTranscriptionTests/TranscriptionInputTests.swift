// The step's input: exactly one source, inline audio decoded within its limit, an audio type.

import Foundation
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTranscription
import Testing

@Suite struct TranscriptionInputTests {
    @Test func aURLAndItsTypeAreTaken() throws {
        let input = try TranscriptionInput(json: ["audio_url": "https://example.com/a.wav", "mime_type": "Audio/WAV; rate=16000"])
        #expect(input.source == .url("https://example.com/a.wav"))
        #expect(input.mimeType == "audio/wav", "lowercased, parameters dropped")
    }

    @Test func inlineAudioIsDecodedWithLineBreaksIgnored() throws {
        let bytes: [UInt8] = Array(0...255)
        let wrapped = Data(bytes).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let input = try TranscriptionInput(json: ["audio_base64": .string(wrapped), "mime_type": "audio/ogg", "audio_url": nil])
        #expect(input.source == .inline(bytes), "a null audio_url counts as absent")
        #expect(input.mimeType == "audio/ogg")
    }

    @Test(arguments: [
        (JSONValue.array([]), "input: expected an object"),
        (["mime_type": "audio/wav"], "audio_url: required (or audio_base64)"),
        (["audio_url": "https://example.com/a.wav", "audio_base64": "AAAA", "mime_type": "audio/wav"], "audio_url: give audio_url or audio_base64, not both"),
        (["audio_url": 7, "mime_type": "audio/wav"], "audio_url: expected a string, got a number"),
        (["audio_url": "", "mime_type": "audio/wav"], "audio_url: empty"),
        (["audio_base64": true, "mime_type": "audio/wav"], "audio_base64: expected a base64 string, got a boolean"),
        (["audio_base64": "not base64!", "mime_type": "audio/wav"], "audio_base64: not valid base64"),
        (["audio_base64": "", "mime_type": "audio/wav"], "audio_base64: empty"),
        (["audio_url": "https://example.com/a.wav"], "mime_type: required"),
        (["audio_url": "https://example.com/a.wav", "mime_type": 1], "mime_type: expected an audio media type such as audio/wav, got a number"),
        (["audio_url": "https://example.com/a.wav", "mime_type": "text/plain"], "mime_type: expected an audio media type such as audio/wav, got 'text/plain'"),
        (["audio_url": "https://example.com/a.wav", "mime_type": "audio/"], "mime_type: expected an audio media type"),
        (["audio_url": "https://example.com/a.wav", "mime_type": "audio/wav x"], "mime_type: expected an audio media type"),
    ] as [(JSONValue, String)])
    func malformedInputIsAValidationErrorNamingTheField(_ json: JSONValue, _ message: String) {
        let error = #expect(throws: ProviderError.self) { try TranscriptionInput(json: json) }
        #expect(error?.kind == .permanent && error?.errorClass == "validation")
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }

    @Test func inlineAudioOverTheLimitIsRefusedBeforeOrAfterDecoding() {
        let justOver = Data([UInt8](repeating: 7, count: 1_025)).base64EncodedString()
        let decoded = #expect(throws: ProviderError.self) {
            try TranscriptionInput(json: ["audio_base64": .string(justOver), "mime_type": "audio/wav"], maxAudioBytes: 1_024)
        }
        #expect(decoded?.kind == .permanent && decoded?.errorClass == "audio_too_large")
        #expect(decoded?.message == "audio_base64 holds 1025 bytes, more than 1024")
        let huge = String(repeating: "A", count: 10_000)
        let undecoded = #expect(throws: ProviderError.self) {
            try TranscriptionInput(json: ["audio_base64": .string(huge), "mime_type": "audio/wav"], maxAudioBytes: 1_024)
        }
        #expect(undecoded?.errorClass == "audio_too_large")
        #expect(undecoded?.message == "audio_base64 holds more than 1024 bytes")
        let exactly = Data([UInt8](repeating: 7, count: 1_024)).base64EncodedString()
        #expect(throws: Never.self) { try TranscriptionInput(json: ["audio_base64": .string(exactly), "mime_type": "audio/wav"], maxAudioBytes: 1_024) }
    }
}
