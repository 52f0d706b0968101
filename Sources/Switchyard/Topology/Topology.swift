// What the topology file means: exchanges, lanes, retry tiers and roles, with every queue name
// resolved, and the broker objects they expand to.

public import SwitchyardCore

/// The broker topology: the single source of truth for exchanges, queues and bindings.
public struct Topology: Sendable {
    /// A priority lane (the first lane is drained first).
    public struct Lane: Sendable, Hashable {
        /// `high`, `normal`, ...
        public var name: String
        /// The topic exchange that feeds this lane's work queues.
        public var exchange: String
    }

    /// A delayed-retry tier: a queue whose messages wait `delay`, then return to their origin.
    public struct RetryTier: Sendable, Hashable {
        /// The tier's name as written (`5s`), also the value of the retry header.
        public var name: String
        /// How long a message waits in the tier.
        public var delay: Duration
        /// The tier's queue.
        public var queue: String
    }

    /// A worker role.
    public struct Role: Sendable, Hashable {
        /// `analysis`, `planning`, ...
        public var name: String
        /// Event-type patterns (topic syntax) the role consumes.
        public var events: [String]
        /// Attempts before a transient failure becomes a dead letter.
        public var maxAttempts: Int
        /// How long one handler may run before its delivery counts as a transient failure and
        /// its slot is freed (`handler_timeout`, default ``Topology/defaultHandlerTimeout``).
        public var handlerTimeout: Duration
        /// The role's work queue in each lane, in lane order.
        public var workQueues: [String]
        /// Where the role's dead letters go.
        public var deadLetterQueue: String
        /// The role's work-queue arguments.
        public var arguments: [String: JSONValue]
    }

    /// Topic exchange for events (routing key = event type), the normal lane.
    public var eventsExchange: String
    /// Headers exchange for retries.
    public var retryExchange: String
    /// Direct exchange the tiers dead-letter into (routing key = origin queue).
    public var requeueExchange: String
    /// Direct exchange for dead letters (routing key = origin queue).
    public var deadLetterExchange: String
    /// The header whose value picks a retry tier.
    public var retryHeader: String
    /// Lanes, highest priority first.
    public var lanes: [Lane]
    /// Retry tiers, shortest first.
    public var retryTiers: [RetryTier]
    /// Roles, by name.
    public var roles: [String: Role]
    /// Every broker object the topology declares.
    public var definitions: BrokerDefinitions

    /// A role's handler deadline when the file states none.
    public static let defaultHandlerTimeout = Duration.seconds(60)

    /// The role with this name.
    /// - Throws: ``TopologyError`` naming the known roles.
    public func role(_ name: String) throws(TopologyError) -> Role {
        guard let role = roles[name] else {
            throw TopologyError("unknown role '\(name)'; the topology defines \(roles.keys.sorted().joined(separator: ", "))")
        }
        return role
    }

    /// The role whose work queue (in any lane) is `queue`, and the lane's index.
    public func role(consuming queue: String) -> (role: Role, lane: Int)? {
        for role in roles.values {
            if let lane = role.workQueues.firstIndex(of: queue) { return (role, lane) }
        }
        return nil
    }

    /// The role whose dead-letter queue is `queue`.
    public func role(deadLetteringInto queue: String) -> Role? {
        roles.values.first { $0.deadLetterQueue == queue }
    }

    /// Whether a topic `pattern` (`*` one word, `#` zero or more words) matches `routingKey`,
    /// as RabbitMQ's topic exchanges match them.
    public static func topic(_ pattern: String, matches routingKey: String) -> Bool {
        func match(_ pattern: ArraySlice<Substring>, _ words: ArraySlice<Substring>) -> Bool {
            guard let first = pattern.first else { return words.isEmpty }
            if first == "#" {
                let rest = pattern.dropFirst()
                return (words.startIndex...words.endIndex).contains { match(rest, words[$0...]) }
            }
            guard let word = words.first, first == "*" || first == word else { return false }
            return match(pattern.dropFirst(), words.dropFirst())
        }
        let words = routingKey.split(separator: ".", omittingEmptySubsequences: false)
        return match(ArraySlice(pattern.split(separator: ".", omittingEmptySubsequences: false)), ArraySlice(words))
    }
}
