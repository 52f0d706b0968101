// Provider failures as worker outcomes.

import SwitchyardRuntime

extension HandlerOutcome {
    /// Retry, wait or give up, as the provider's failure says.
    static func failed(_ error: ProviderError) -> HandlerOutcome {
        switch error.kind {
        case .transient: .transientFailure(HandlerFailure(error))
        case .rateLimited(let retryAfter): .rateLimited(retryAfter: retryAfter, HandlerFailure(error))
        case .permanent: .permanentFailure(HandlerFailure(error))
        }
    }
}

extension HandlerFailure {
    /// The worker's view of a provider failure.
    init(_ error: ProviderError) {
        self.init(error.errorClass, error.message)
    }
}
