// How often live-update streams are checked and kept alive, read once for every process that serves them.

public import SwitchyardCore

/// The timing of ``LiveUpdateHub``, from `SWITCHYARD_SSE_HEARTBEAT` and `SWITCHYARD_SSE_POLL_MS`;
/// the ingress and `switchyard console` read the same variables.
public struct LiveUpdateSettings: Sendable {
    /// Seconds between keep-alive comments on idle streams, which also re-read the subject and
    /// check the stream's API key (`SWITCHYARD_SSE_HEARTBEAT`, default 15).
    public var heartbeat: Duration
    /// How often the subjects that streams follow are checked for new updates while any stream
    /// is open (`SWITCHYARD_SSE_POLL_MS`, milliseconds, default 100): the longest an update waits
    /// before its streams read it.
    public var pollInterval: Duration

    /// Settings given directly (tests, embedding).
    public init(heartbeat: Duration = .seconds(15), pollInterval: Duration = .milliseconds(100)) {
        self.heartbeat = heartbeat
        self.pollInterval = pollInterval
    }

    /// Reads and checks the variables.
    /// - Throws: ``ConfigurationError`` naming the variable and what was wrong.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let variables = ConfigurationVariables(environment)
        self.init(
            heartbeat: .seconds(try variables.integer("SWITCHYARD_SSE_HEARTBEAT", default: 15, in: 1...300)),
            pollInterval: .milliseconds(try variables.integer("SWITCHYARD_SSE_POLL_MS", default: 100, in: 10...10_000)))
    }
}
