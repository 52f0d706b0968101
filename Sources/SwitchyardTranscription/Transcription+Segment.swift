// One timestamped stretch of speech in a transcription.

public import SwitchyardCore

extension Transcription {
    /// One stretch of speech: where it starts and ends, in seconds from the start of the audio,
    /// and what was said (`nil` when the transcriber only finds speech, as the offline one does).
    public struct Segment: Sendable, Equatable {
        /// Seconds from the start of the audio, at least 0.
        public var start: Double
        /// Seconds from the start of the audio, not before ``start``.
        public var end: Double
        /// The words spoken, or `nil` when not recognised.
        public var text: String?

        /// Creates a segment.
        /// - Parameters:
        ///   - start: Seconds from the start of the audio.
        ///   - end: Seconds from the start of the audio, not before `start`.
        ///   - text: The words spoken, or `nil`.
        public init(start: Double, end: Double, text: String?) {
            self.start = start
            self.end = end
            self.text = text
        }

        /// `{"start": …, "end": …, "text": … | null}`.
        public var json: JSONValue {
            ["start": .double(start), "end": .double(end), "text": text.map(JSONValue.string) ?? .null]
        }
    }
}
