// Tells a quorum queue whose dead-letter backlog has stopped moving from one that drains.

public import Foundation

/// Watches `messages_dlx` of at-least-once dead-lettering queues over time. A queue is stalled
/// when its backlog has been above zero and has not once gone down for ``stallAfter``: on
/// RabbitMQ 3.10.8 that is the queue whose dead-letter worker did not resume after a leader
/// change (expired retries wait there for good), while a draining backlog goes down between
/// looks. A backlog that reaches zero or goes down starts the clock again.
public struct DeadLetterStallDetector: Sendable {
    /// What the management API said about one queue.
    public struct Observation: Sendable, Equatable {
        /// The queue.
        public var queue: String
        /// Messages expired or rejected and not yet handed to the dead-letter exchange.
        public var messagesDLX: Int
        /// The node leading the queue, when known.
        public var leader: String?

        /// Creates an observation.
        public init(queue: String, messagesDLX: Int, leader: String?) {
            self.queue = queue
            self.messagesDLX = messagesDLX
            self.leader = leader
        }
    }

    /// A stalled queue.
    public struct Stall: Sendable, Equatable {
        /// The queue and what was last seen of it.
        public var observation: Observation
        /// Since when its backlog has not gone down.
        public var since: Date

        /// Creates a stall.
        public init(observation: Observation, since: Date) {
            self.observation = observation
            self.since = since
        }
    }

    private struct Track {
        var lowest: Int
        var since: Date
    }

    /// How long a backlog must stay without going down to count as stalled.
    public let stallAfter: Duration
    private var tracks: [String: Track] = [:]

    /// Creates a detector.
    public init(stallAfter: Duration) {
        self.stallAfter = stallAfter
    }

    /// Takes one look at every watched queue; returns those stalled now.
    public mutating func observe(_ observations: [Observation], at now: Date = Date()) -> [Stall] {
        var stalls: [Stall] = []
        var seen: Set<String> = []
        for observation in observations {
            seen.insert(observation.queue)
            guard observation.messagesDLX > 0 else {
                tracks[observation.queue] = nil
                continue
            }
            guard let track = tracks[observation.queue], observation.messagesDLX >= track.lowest else {
                tracks[observation.queue] = Track(lowest: observation.messagesDLX, since: now)
                continue
            }
            if now.timeIntervalSince(track.since) >= Double(stallAfter.components.seconds) {
                stalls.append(Stall(observation: observation, since: track.since))
            }
        }
        for queue in tracks.keys where !seen.contains(queue) { tracks[queue] = nil }
        return stalls
    }
}
