// What a transformer made of a step's input.

public import SwitchyardCore
import SwitchyardProviders

/// The outcome of running a transformer once.
public enum TransformerResult: Sendable, Equatable {
    /// The step's output.
    case output(JSONValue)
    /// Worth another attempt under the step's retry policy (5xx, timeouts, network).
    case retryable(String)
    /// The service answered 429: another attempt under the step's retry policy, but no sooner
    /// than the service asked (its `Retry-After`).
    case rateLimited(String, retryAfter: Duration)
    /// The fleet's own limit on a provider is reached (`SWITCHYARD_*_RATE`, `_CONCURRENCY`): not
    /// the step's failure, so the same attempt runs again after `retryAfter`, without using up a
    /// retry. `errorClass` is the limit's (`provider_rate`, `provider_concurrency`).
    case deferred(errorClass: String, message: String, retryAfter: Duration)
    /// Not worth retrying (4xx, bad input or configuration): the step fails.
    case failed(String)
    /// The job waits this long, without a worker, then the step's output is its input.
    case wait(Duration)
}

extension TransformerResult {
    /// A provider call's failure as a step's result: the fleet's own limits defer the step, a
    /// provider's 429 retries it no sooner than asked, other transient failures retry it, and
    /// permanent ones fail it.
    /// - Parameters:
    ///   - error: The failure of ``ExternalCalls/perform(api:endpoint:provider:tenantID:projectID:_:)``.
    ///   - api: What the message names as the caller (`LLM`, `transcribe`).
    init(_ error: ProviderError, api: String) {
        let message = "\(api): \(error.message)"
        switch error.kind {
        case .rateLimited(let retryAfter) where error.isFleetLimit:
            self = .deferred(errorClass: error.errorClass, message: message, retryAfter: retryAfter)
        case .rateLimited(let retryAfter): self = .rateLimited(message, retryAfter: retryAfter)
        case .transient: self = .retryable(message)
        case .permanent: self = .failed(message)
        }
    }
}
