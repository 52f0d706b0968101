// What the topology file means: exchanges, lanes, retry tiers and roles, with every queue name
// resolved, and the broker objects they expand to.

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

    /// The role with this name.
    /// - Throws: ``TopologyError`` naming the known roles.
    public func role(_ name: String) throws(TopologyError) -> Role {
        guard let role = roles[name] else {
            throw TopologyError("unknown role '\(name)'; the topology defines \(roles.keys.sorted().joined(separator: ", "))")
        }
        return role
    }
}
