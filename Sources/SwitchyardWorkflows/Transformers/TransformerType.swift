// The built-in transformer types: what a step can run.

/// A built-in transformer type. Steps name one directly (`"transformer_id": "http"`) or name
/// a tenant's configured transformer of one of these types.
public enum TransformerType: String, CaseIterable, Sendable {
    /// The output is the input.
    case echo
    /// The output is the mapped input: pure data shaping.
    case map
    /// An HTTP request; the output is the response body as JSON.
    case http
    /// A prompt through the language model.
    case llm
    /// Timestamped speech segments of an audio file.
    case transcribe
    /// The job waits, without holding a worker slot.
    case delay

    /// Every type's name, for messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
