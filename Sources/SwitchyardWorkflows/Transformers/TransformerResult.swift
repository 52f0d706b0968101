// What a transformer made of a step's input.

public import SwitchyardCore

/// The outcome of running a transformer once.
public enum TransformerResult: Sendable, Equatable {
    /// The step's output.
    case output(JSONValue)
    /// Worth another attempt under the step's retry policy (5xx, timeouts, 429, network).
    case retryable(String)
    /// Not worth retrying (4xx, bad input or configuration): the step fails.
    case failed(String)
    /// The job waits this long, without a worker, then the step's output is its input.
    case wait(Duration)
}
