// The `transcribe` step's input, checked: where the audio is and what type it is.

import Foundation
public import SwitchyardCore
public import SwitchyardProviders

/// The input of a `transcribe` step, `{"audio_url" | "audio_base64", "mime_type"}`, checked:
/// exactly one source, the inline audio decoded within the size limit, an `audio/*` type.
public struct TranscriptionInput: Sendable {
    /// Where the audio is.
    public enum Source: Sendable, Equatable {
        /// To be fetched (through the outbound guard) from this URL.
        case url(String)
        /// Given inline; these are the decoded bytes.
        case inline([UInt8])
    }

    /// The largest audio accepted unless a caller says otherwise: 25 MiB.
    public static let defaultMaxAudioBytes = 25 << 20

    /// Where the audio is.
    public var source: Source
    /// The audio's media type, lowercased and without parameters (`audio/wav`).
    public var mimeType: String

    /// Creates an input from its parts.
    /// - Parameters:
    ///   - source: Where the audio is.
    ///   - mimeType: Its media type, e.g. `audio/wav`.
    public init(source: Source, mimeType: String) {
        self.source = source
        self.mimeType = mimeType
    }

    /// Reads a step's input.
    /// - Parameters:
    ///   - json: `{"audio_url": "https://…"}` or `{"audio_base64": "UklGR…"}`, with `"mime_type": "audio/…"`.
    ///   - maxAudioBytes: The most decoded bytes `audio_base64` may hold.
    /// - Throws: ``ProviderError`` (permanent): `validation` naming the field that is missing,
    ///   doubled or malformed; `audio_too_large` for inline audio over `maxAudioBytes`.
    public init(json: JSONValue, maxAudioBytes: Int = defaultMaxAudioBytes) throws(ProviderError) {
        guard let members = json.object else {
            throw Self.invalid("input", "expected an object with audio_url or audio_base64 and mime_type, got a \(json.kindName)")
        }
        let given = members.filter { $0.value != .null }  // a null member counts as absent
        switch (given["audio_url"], given["audio_base64"]) {
        case (.some, .some):
            throw Self.invalid("audio_url", "give audio_url or audio_base64, not both")
        case (nil, nil):
            throw Self.invalid("audio_url", "required (or audio_base64)")
        case (let url?, nil):
            guard let text = url.string else { throw Self.invalid("audio_url", "expected a string, got a \(url.kindName)") }
            guard !text.isEmpty else { throw Self.invalid("audio_url", "empty") }
            source = .url(text)
        case (nil, let encoded?):
            source = .inline(try Self.decode(encoded, maxAudioBytes: maxAudioBytes))
        }
        guard let type = given["mime_type"] else { throw Self.invalid("mime_type", "required (e.g. audio/wav)") }
        let essence = type.string.map {
            $0.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let essence, essence.hasPrefix("audio/"), essence.count > 6,
            essence.dropFirst(6).utf8.allSatisfy({ Self.subtypeCharacters.contains($0) })
        else {
            throw Self.invalid("mime_type", "expected an audio media type such as audio/wav, got \(type.string.map { "'\($0.prefix(100))'" } ?? "a \(type.kindName)")")
        }
        mimeType = essence
    }

    /// What a media subtype may contain (RFC 6838's restricted names, lowercased).
    private static let subtypeCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-".utf8)

    /// The bytes of `audio_base64` (standard alphabet, padding, whitespace ignored).
    private static func decode(_ encoded: JSONValue, maxAudioBytes: Int) throws(ProviderError) -> [UInt8] {
        guard let text = encoded.string else {
            throw invalid("audio_base64", "expected a base64 string, got a \(encoded.kindName)")
        }
        // Base64 takes 4 characters per 3 bytes; allow a line break every 64 characters.
        guard text.utf8.count <= (maxAudioBytes + 2) / 3 * 4 * 66 / 64 + 4 else {
            throw tooLarge("audio_base64 holds more than \(maxAudioBytes) bytes")
        }
        let compact = text.utf8.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        guard let bytes = Data(base64Encoded: Data(compact)) else {
            throw invalid("audio_base64", "not valid base64")
        }
        guard !bytes.isEmpty else { throw invalid("audio_base64", "empty") }
        guard bytes.count <= maxAudioBytes else { throw tooLarge("audio_base64 holds \(bytes.count) bytes, more than \(maxAudioBytes)") }
        return Array(bytes)
    }

    /// A permanent `validation` failure naming `field`.
    static func invalid(_ field: String, _ problem: String) -> ProviderError {
        ProviderError(.permanent, "validation", "\(field): \(problem)")
    }

    /// A permanent `audio_too_large` failure.
    static func tooLarge(_ problem: String) -> ProviderError {
        ProviderError(.permanent, "audio_too_large", problem)
    }
}
