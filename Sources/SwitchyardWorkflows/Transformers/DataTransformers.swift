// The pure transformers: `echo`, `map` and `delay`.

public import SwitchyardCore

/// `echo` and `map`: the output is the step's input (for `map`, what its `input_map` made).
public struct PassThroughTransformer: StepTransformer {
    /// Creates the transformer.
    public init() {}

    public func run(_ input: JSONValue, context: StepContext) async -> TransformerResult {
        .output(input)
    }
}

/// `delay`: `{seconds}` (configuration first, then input; 0 to 7 days). The job waits in the
/// broker's retry tiers, not in a worker; then the step's output is its input.
public struct DelayTransformer: StepTransformer {
    /// The longest delay, in seconds.
    public static let maxSeconds = 7 * 24 * 3_600

    /// Creates the transformer.
    public init() {}

    public func run(_ input: JSONValue, context: StepContext) async -> TransformerResult {
        let value = context.config["seconds"] ?? input["seconds"]
        let seconds: Double? = switch value {
        case .int(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
        guard let seconds, seconds >= 0, seconds <= Double(Self.maxSeconds) else {
            return .failed("delay: expected \"seconds\", a number 0...\(Self.maxSeconds), got \(value?.excerpt() ?? "nothing")")
        }
        return .wait(.milliseconds(Int64(seconds * 1_000)))
    }
}
