// Who said what in a conversation, read from JSON the way every part of the fleet reads it: the
// ingress to refuse a transcript the analysis worker can't read, the worker to read it.

import Foundation

/// The turns of a transcript as the video-call vendor gives it: a list of `{role, content}`,
/// or one text whose lines may start with `Speaker:`.
public enum ConversationTurns {
    /// The readable turns in `value`, in order: items with a string `role` and `content` that
    /// isn't blank, or the text's lines that aren't blank (a `Speaker:` of at most three words
    /// and 24 characters becomes the role, `unknown` otherwise). Empty when there are none or
    /// `value` is neither a list nor a string.
    public static func read(_ value: JSONValue) -> [(role: String, content: String)] {
        switch value {
        case .string(let text): text.split(whereSeparator: \.isNewline).compactMap(turn(inLine:))
        case .array(let items): items.compactMap(turn(in:))
        default: []
        }
    }

    /// Whether ``read(_:)`` finds a turn in `value`, stopping at the first.
    public static func hasReadableTurn(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): text.split(whereSeparator: \.isNewline).contains { turn(inLine: $0) != nil }
        case .array(let items): items.contains { turn(in: $0) != nil }
        default: false
        }
    }

    private static func turn(in item: JSONValue) -> (role: String, content: String)? {
        guard let role = item["role"]?.string, let content = item["content"]?.string,
              !content.isBlank
        else { return nil }
        return (role.lowercased(), content)
    }

    private static func turn(inLine text: Substring) -> (role: String, content: String)? {
        let line = text.trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return nil }
        if let colon = line.firstIndex(of: ":"), line[..<colon].count <= 24, line[..<colon].split(separator: " ").count <= 3 {
            let content = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return content.isEmpty ? nil : (line[..<colon].lowercased(), content)
        }
        return ("unknown", line)
    }
}
