// Choosing the transcriber from SWITCHYARD_TRANSCRIBE* variables.

import SwitchyardCore
import SwitchyardHTTP
import SwitchyardTranscription
import Testing

@Suite struct TranscriptionConfigurationTests {
    @Test func offlineIsTheDefault() async throws {
        let configuration = try TranscriptionConfiguration(environment: [:])
        #expect(configuration.provider == .offline && configuration.maxAudioBytes == 25 << 20)
        #expect(configuration.model == "gemini-2.5-flash" && configuration.timeout == .seconds(120))
        try await withDownloads("") { downloads in
            #expect(configuration.makeTranscriber(downloads: downloads).name == "offline")
        }
    }

    @Test func geminiNeedsAKeyAndNamesItsModel() async throws {
        let missing = #expect(throws: ConfigurationError.self) { try TranscriptionConfiguration(environment: ["SWITCHYARD_TRANSCRIBE": "gemini"]) }
        #expect(missing?.variable == "SWITCHYARD_TRANSCRIBE_API_KEY")
        let configuration = try TranscriptionConfiguration(environment: [
            "SWITCHYARD_TRANSCRIBE": "gemini", "SWITCHYARD_TRANSCRIBE_API_KEY": "g-key", "SWITCHYARD_TRANSCRIBE_MODEL": "gemini-2.5-pro",
            "SWITCHYARD_TRANSCRIBE_BASE_URL": "http://127.0.0.1:9/", "SWITCHYARD_TRANSCRIBE_TIMEOUT_SECONDS": "30",
        ])
        #expect(configuration.provider == .gemini && configuration.timeout == .seconds(30))
        try await withDownloads("") { downloads in
            #expect(configuration.makeTranscriber(downloads: downloads).name == "gemini:gemini-2.5-pro")
        }
    }

    @Test(arguments: [
        ("SWITCHYARD_TRANSCRIBE", "whisper"), ("SWITCHYARD_TRANSCRIBE_BASE_URL", "ftp://example.com"),
        ("SWITCHYARD_TRANSCRIBE_TIMEOUT_SECONDS", "0"), ("SWITCHYARD_TRANSCRIBE_MAX_BYTES", "12"),
        ("SWITCHYARD_TRANSCRIBE_MAX_BYTES", "lots"),
    ])
    func badValuesNameTheirVariable(_ variable: String, _ value: String) {
        let error = #expect(throws: ConfigurationError.self) { try TranscriptionConfiguration(environment: [variable: value]) }
        #expect(error?.variable == variable, "\(String(describing: error))")
    }
}
