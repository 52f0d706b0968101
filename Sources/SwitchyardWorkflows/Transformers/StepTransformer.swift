// The interface every transformer type implements.

public import SwitchyardCore

/// What a transformer is given besides the step's input.
public struct StepContext: Sendable {
    /// The job.
    public var jobID: String
    /// The step.
    public var stepID: String
    /// The job's tenant.
    public var tenantID: String
    /// The configured transformer's settings (`{}` for a type used directly), secrets removed.
    public var config: [String: JSONValue]
    /// The configured transformer's opened secrets, by name.
    public var secrets: [String: String]
    /// How many workflow steps in a row led to the job (``WorkflowHops``).
    public var hops: Int

    /// Creates a context.
    public init(
        jobID: String, stepID: String, tenantID: String, config: [String: JSONValue] = [:], secrets: [String: String] = [:], hops: Int = 0
    ) {
        self.jobID = jobID
        self.stepID = stepID
        self.tenantID = tenantID
        self.config = config
        self.secrets = secrets
        self.hops = hops
    }
}

/// Runs one step: the step's input (after its `input_map`) to an output, or a failure that
/// says whether retrying could help. Never throws.
public protocol StepTransformer: Sendable {
    /// Runs the transformer once.
    func run(_ input: JSONValue, context: StepContext) async -> TransformerResult
}
