// A conversation's transcript: who said what, in order.

import Foundation
public import SwitchyardCore

/// One turn of a conversation.
public struct Turn: Sendable, Codable, Equatable {
    /// Who spoke (`user`, `assistant`, a name...).
    public var role: String
    /// What they said.
    public var content: String

    /// Creates a turn.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// The turn as it is stored (`conversations.transcript`): the members of its `Codable`
    /// form, written without Foundation's encoder.
    public var json: JSONValue {
        .object(["role": .string(role), "content": .string(content)])
    }
}

/// A transcript as the video-call vendor gives it: a list of turns, or one text whose lines
/// may start with `Speaker:`.
public struct Transcript: Sendable, Codable, Equatable {
    /// The turns, in order.
    public var turns: [Turn]

    /// Creates a transcript.
    public init(turns: [Turn]) {
        self.turns = turns
    }

    /// The transcript in `value`: a string or a list of `{role, content}`.
    /// - Returns: nil when `value` is neither or holds no words.
    public init?(_ value: JSONValue) {
        turns = ConversationTurns.read(value).map { Turn(role: $0.role, content: $0.content) }
        if turns.isEmpty { return nil }
    }

    /// The turns of the people asking for the project (not the vendor's agent), or every turn
    /// when no speaker is told apart.
    public var clientTurns: [Turn] {
        let agents: Set<String> = ["assistant", "agent", "replica", "ai", "bot", "system"]
        let clients = turns.filter { !agents.contains($0.role) }
        return clients.isEmpty ? turns : clients
    }
}
