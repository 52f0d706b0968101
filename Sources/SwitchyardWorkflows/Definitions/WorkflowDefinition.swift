// A workflow definition in the seed's format: steps that each run a transformer, data flowing
// between them by JSONPath, branches, per-step retry policies, and the output map.

public import SwitchyardCore
public import SwitchyardJSONPath

/// A validated workflow definition:
///
/// ```json
/// {"start_step": "fetch",
///  "steps": {"fetch": {"transformer_id": "http", "input_map": {"url": "$.job_input.url"},
///                      "retry": {"max_retries": 3, "backoff_seconds": 1, "max_backoff_seconds": 60},
///                      "next_step": "score"}, ...},
///  "output_map": {"cheap": "$.score.output.items"}}
/// ```
///
/// Every JSONPath runs against `{"job_input": <the job's input>, "<step>": {"output": <its
/// output>}, ...}` (finished steps only). Build one with ``WorkflowValidator``.
public struct WorkflowDefinition: Sendable {
    /// One step.
    public struct Step: Sendable {
        /// The step's id (its key in `steps`).
        public var id: String
        /// A built-in transformer type or one of the tenant's configured transformers.
        public var transformerID: String
        /// The step's input: each key's value is the result of its query; nil: the job's input.
        public var inputMap: [String: JSONPath]?
        /// The step's retry policy.
        public var retry: RetryPolicy
        /// Tried in order after the step: the first whose `when` selects a node gives the next step.
        public var branches: [Branch]
        /// The next step when no branch applies; nil ends the job.
        public var nextStep: String?
    }

    /// A conditional successor.
    public struct Branch: Sendable {
        /// Taken when this query selects at least one node.
        public var when: JSONPath
        /// The step to run then; nil ends the job.
        public var nextStep: String?
    }

    /// How a step's failures are retried: exponential backoff with jitter, capped.
    public struct RetryPolicy: Sendable, Equatable {
        /// Retries after the first attempt (0: none).
        public var maxRetries: Int
        /// The wait before the first retry, in seconds.
        public var backoffSeconds: Double
        /// The longest wait, in seconds.
        public var maxBackoffSeconds: Double

        /// No retries.
        public static let none = RetryPolicy(maxRetries: 0, backoffSeconds: 1, maxBackoffSeconds: 60)

        /// Creates a policy.
        public init(maxRetries: Int, backoffSeconds: Double, maxBackoffSeconds: Double) {
            self.maxRetries = maxRetries
            self.backoffSeconds = backoffSeconds
            self.maxBackoffSeconds = maxBackoffSeconds
        }

        /// The wait before retry `retry` (from 1): backoff × 2^(retry-1), capped, ±20 % jitter.
        public func delay(beforeRetry retry: Int, random: Double = Double.random(in: -1...1)) -> Duration {
            var seconds = backoffSeconds
            for _ in 1..<max(1, min(retry, 40)) { seconds = min(seconds * 2, maxBackoffSeconds) }
            seconds = min(seconds, maxBackoffSeconds) * (1 + 0.2 * random)
            return .milliseconds(Int64(max(0, seconds) * 1000))
        }
    }

    /// The first step.
    public var startStep: String
    /// Every step, by id.
    public var steps: [String: Step]
    /// The job's result: each key's value is the result of its query; nil: the last step's output.
    public var outputMap: [String: JSONPath]?

    /// The most JSON text a map's result may come to: 16 MiB, four times an `http` step's
    /// largest response. Its queries may select one subtree many times (every key `$`, or `$..*`
    /// over a deep document), which costs nothing in memory until the result is written out.
    public static let mapResultLimit = 16 << 20

    /// The most a job's input and its steps' outputs may come to between them, as stored: 64
    /// MiB. Every step reads them all, and a step whose output would pass the limit fails the
    /// job instead of growing it.
    public static let jobDataLimit = 64 << 20

    /// Applies a map to `document`: one node → its value, several → an array of the values,
    /// none → the key is absent.
    /// - Parameters:
    ///   - work: The work the map's queries may do between them (see
    ///     ``JSONPath/values(in:workLimit:)``); what is left afterwards.
    ///   - resultLimit: The most JSON text the result may come to.
    /// - Throws: ``JSONPathError`` naming the query: `workLimitExceeded` (it spent the rest of
    ///   the work), `nodeLimitExceeded`, or `resultTooLarge` (its values took the result past
    ///   `resultLimit`).
    public static func apply(
        _ map: [String: JSONPath], to document: JSONValue, work: inout Int, resultLimit: Int = mapResultLimit
    ) throws(JSONPathError) -> JSONValue {
        var result: [String: JSONValue] = [:]
        var size = 2
        for (key, query) in map.sorted(by: { $0.key < $1.key }) {
            let values = try query.values(in: document, work: &work)
            let value: JSONValue
            switch values.count {
            case 0: continue
            case 1: value = values[0]
            default: value = .array(values)
            }
            // `{"key":value}` less its braces, and a comma after the first member.
            let braces = result.isEmpty ? 2 : 1
            guard let entry = JSONValue.object([key: value]).jsonByteCount(upTo: resultLimit - size + braces) else {
                let message = "the query \(query) (key \(key.debugDescription)) takes the map's result past \(resultLimit) bytes of JSON"
                throw JSONPathError(.resultTooLarge, message + " on this document", at: 0)
            }
            size += entry - braces
            result[key] = value
        }
        return .object(result)
    }
}
