// What a worker role is: a name in the topology and a handler returning a typed outcome.

public import SwitchyardCore
public import SwitchyardPostgres

/// A kind of work: the role's name in the topology (its queues, bindings and attempt limit)
/// and the handler that does the work for one message. Adding a role is one file conforming to
/// this protocol plus its entry in `topology/switchyard.yaml`.
public protocol WorkerRole: Sendable {
    /// The role's name in the topology (`analysis`, `probe`, ...).
    var name: String { get }

    /// Does the work for one message. Never throws: every failure is an outcome that says how
    /// to go on (retry, wait, give up).
    /// - Parameter message: The delivered message.
    /// - Returns: Success with the rows to write and events to publish, or a classified failure.
    func handle(_ message: WorkMessage) async -> HandlerOutcome
}

/// What a handler decided.
public enum HandlerOutcome: Sendable {
    /// The work is done: write these effects, then acknowledge.
    case success(HandlerEffects)
    /// Try again later (network, 5xx, timeout): the next retry tier by backoff with jitter.
    case transientFailure(HandlerFailure)
    /// Try again, but not before `retryAfter` (429).
    case rateLimited(retryAfter: Duration, HandlerFailure)
    /// Not now, through no fault of the message (the fleet's own throttle): retried no sooner
    /// than `retryAfter` without counting as an attempt, so it never exhausts its attempts.
    case deferred(retryAfter: Duration, HandlerFailure)
    /// Never worth retrying (validation, 4xx, bad schema): dead letter at once.
    case permanentFailure(HandlerFailure)
}

/// A classified failure.
public struct HandlerFailure: Error, Sendable, Equatable {
    /// A short class for grouping dead letters (`validation`, `upstream_5xx`, `timeout`, ...).
    public var errorClass: String
    /// What went wrong, for operators.
    public var message: String

    /// Creates a failure.
    public init(_ errorClass: String, _ message: String) {
        self.errorClass = errorClass
        self.message = message
    }
}

/// What a successful handler leaves behind, written in the same transaction as the inbox row.
///
/// Prefer ``statements`` where the rows don't depend on what the database answers: the
/// committer sends the statements of every delivery in a batch in one round trip. ``write``
/// runs its statements one round trip each, for handlers that read before they write.
public struct HandlerEffects: Sendable {
    /// Statements to run inside the transaction, after ``write``, pipelined with the rest of
    /// the batch's (one failing rolls back this message's part).
    public var statements: [PostgresStatement]
    /// The rows to write; runs inside the transaction (throwing rolls back this message's part).
    public var write: (@Sendable (isolated PostgresConnection) throws -> Void)?
    /// Events to publish after the commit, through the outbox.
    public var followUps: [OutgoingEvent]

    /// Creates effects.
    public init(
        statements: [PostgresStatement] = [], write: (@Sendable (isolated PostgresConnection) throws -> Void)? = nil,
        followUps: [OutgoingEvent] = []
    ) {
        self.statements = statements
        self.write = write
        self.followUps = followUps
    }
}
