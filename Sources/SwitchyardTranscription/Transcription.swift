// What a transcriber answers: timestamped segments, and whether they came from the offline one.

public import SwitchyardCore

/// The result of the `transcribe` transformer: the stretches of speech in order, each with its
/// start and end in seconds and, from a real provider, the words spoken.
public struct Transcription: Sendable, Equatable {
    /// The segments, in the order the provider gave them (the offline transcriber: by time).
    public var segments: [Segment]
    /// Whether the offline transcriber made it (segments without text).
    public var offline: Bool

    /// Creates a transcription.
    /// - Parameters:
    ///   - segments: The segments.
    ///   - offline: Whether the offline transcriber made it.
    public init(segments: [Segment], offline: Bool) {
        self.segments = segments
        self.offline = offline
    }

    /// The step's output: `{"segments":[{"start":0.52,"end":1.48,"text":"Hello."}]}`, and for
    /// the offline transcriber `"text": null` in every segment and `"offline": true`.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["segments": .array(segments.map(\.json))]
        if offline {
            members["offline"] = true
        }
        return .object(members)
    }
}
