// How the roles call external services: within the fleet-wide limits, recorded in api_usage.

/// Every external call of the development roles goes through here: first the provider's
/// limits (``ProviderLimits``; over a limit the call is not made and the message is retried
/// later), then the call itself, recorded in `api_usage` (``UsageLog``) whether it worked or not.
public struct ExternalCalls: Sendable {
    let usage: UsageLog
    let limits: ProviderLimits

    /// Creates the gateway.
    public init(usage: UsageLog, limits: ProviderLimits) {
        self.usage = usage
        self.limits = limits
    }

    /// Makes `call` to `api` (also the limits' provider key) if its limits allow it now.
    public func perform<T>(
        api: String, endpoint: String, provider: String, tenantID: String?, projectID: String?,
        _ call: () async throws(ProviderError) -> T
    ) async throws(ProviderError) -> T {
        try await limits.withPermit(api) { () async throws(ProviderError) -> T in
            try await usage.measure(api: api, endpoint: endpoint, provider: provider, tenantID: tenantID, projectID: projectID, call)
        }
    }
}
