// Provider failures as worker outcomes.

public import SwitchyardRuntime

extension HandlerOutcome {
    /// Retry, wait or give up, as the provider's failure says; the fleet's own limits defer the
    /// message without using up its attempts.
    public static func failed(_ error: ProviderError) -> HandlerOutcome {
        switch error.kind {
        case .transient: .transientFailure(HandlerFailure(error))
        case .rateLimited(let retryAfter) where error.isFleetLimit:
            .deferred(retryAfter: retryAfter, HandlerFailure(error))
        case .rateLimited(let retryAfter): .rateLimited(retryAfter: retryAfter, HandlerFailure(error))
        case .permanent: .permanentFailure(HandlerFailure(error))
        }
    }
}

extension HandlerFailure {
    /// The worker's view of a provider failure.
    public init(_ error: ProviderError) {
        self.init(error.errorClass, error.message)
    }
}
