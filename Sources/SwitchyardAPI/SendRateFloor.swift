// The slowest a client may take a large answer: once its writer waits for the client slice by
// slice, a client that takes one slice per idle timeout (4 KiB/s at the defaults) held a 48 MiB
// job answer, and its room in the `AnswerBudget`, for over three hours.

public import SwitchyardCore

/// `SWITCHYARD_HTTP_MIN_SEND_RATE`: the slowest average rate, in bytes per second, at which a
/// client may take a large answer once it has been under way for the idle timeout; a slower
/// one loses its connection, and what the answer held is freed.
public enum HTTPMinimumSendRate {
    /// The variable's name.
    public static let variable = "SWITCHYARD_HTTP_MIN_SEND_RATE"
    /// 32 KiB/s: a client that barely reads.
    public static let defaultBytesPerSecond = 32 * 1024

    /// The rate in bytes per second: 1024...1073741824, ``defaultBytesPerSecond`` when unset.
    /// - Throws: ``ConfigurationError`` naming the variable.
    public static func bytesPerSecond(_ variables: ConfigurationVariables) throws(ConfigurationError) -> Int {
        try variables.integer(variable, default: defaultBytesPerSecond, in: 1_024...(1 << 30))
    }
}

/// The slowest average rate at which a client may take a large answer, checked by its writer
/// after each slice the client has taken (``APIResponse/json(_:status:holding:draining:floor:)``).
/// What the kernel's socket buffers took counts as taken. A client that takes nothing at all
/// is left to ``ResponseWriteDeadline``, which closes its connection after the idle timeout.
public struct SendRateFloor: Sendable {
    /// The rate in bytes per second.
    public let bytesPerSecond: Int
    /// How long an answer may be under way before the rate counts (the idle timeout).
    public let grace: Duration

    /// Creates the floor.
    public init(bytesPerSecond: Int, grace: Duration) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        self.grace = grace
    }

    /// The floor the variables set: ``HTTPMinimumSendRate`` after ``HTTPIdleTimeout``.
    /// - Throws: ``ConfigurationError`` naming the variable.
    public init(_ variables: ConfigurationVariables) throws(ConfigurationError) {
        self.init(bytesPerSecond: try HTTPMinimumSendRate.bytesPerSecond(variables), grace: .seconds(try HTTPIdleTimeout.seconds(variables)))
    }

    /// The client slower than the floor.
    struct TooSlow: Error {}

    /// Throws ``TooSlow`` when `taken` bytes since `started` fall short of the rate.
    func check(taken: Int, since started: ContinuousClock.Instant) throws {
        let late = ContinuousClock.now - started - grace
        guard late > .zero else { return }
        let (seconds, attoseconds) = late.components
        let owed = Double(bytesPerSecond) * (Double(seconds) + Double(attoseconds) / 1e18)
        if Double(taken) < owed { throw TooSlow() }
    }
}
