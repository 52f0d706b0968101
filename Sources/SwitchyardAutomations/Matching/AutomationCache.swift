// Chatbots' compiled automations by chatbot id, kept while the database can say what changed.

import Foundation
import Synchronization

/// The matchable chatbots a worker has loaded, by chatbot id (an unknown id is remembered as
/// unknown too), forgotten one by one as `sy_automations` notifications name them.
///
/// Entries are kept only while the invalidation listener is connected: before it listens, and
/// after it loses its connection, every lookup loads afresh, so no change can be missed. A load
/// that overlaps an invalidation is used once and not kept (it may predate the change).
final class AutomationCache: Sendable {
    /// The most chatbots kept; the cache starts over when full.
    static let capacity = 100_000

    private struct State {
        var chatbots: [String: MatchableChatbot?] = [:]
        var generation: UInt64 = 0
        var listening = false
    }

    private let state = Mutex(State())

    /// The chatbot `id`, from the cache or from `load` (nil: no such chatbot).
    func chatbot(
        _ id: String, load: () async throws -> MatchableChatbot?
    ) async throws -> MatchableChatbot? {
        let cached: (hit: Bool, chatbot: MatchableChatbot?, generation: UInt64) = state.withLock { state in
            if state.listening, let entry = state.chatbots[id] { return (true, entry, state.generation) }
            return (false, nil, state.generation)
        }
        if cached.hit { return cached.chatbot }
        let loaded = try await load()
        state.withLock { state in
            guard state.listening, state.generation == cached.generation else { return }
            if state.chatbots.count >= Self.capacity { state.chatbots.removeAll(keepingCapacity: true) }
            state.chatbots[id] = .some(loaded)
        }
        return loaded
    }

    /// Forgets chatbot `id` (its automations or the chatbot changed).
    func invalidate(_ id: String) {
        state.withLock { state in
            state.generation &+= 1
            state.chatbots[id] = nil
        }
    }

    /// Forgets everything; keeps entries from now on only if `listening`.
    func reset(listening: Bool) {
        state.withLock { state in
            state.generation &+= 1
            state.chatbots.removeAll()
            state.listening = listening
        }
    }

    /// How many chatbots are cached (known and unknown).
    var count: Int {
        state.withLock { $0.chatbots.count }
    }
}
