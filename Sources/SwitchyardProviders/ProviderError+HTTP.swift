// HTTP failures of a provider call, classified for retrying.

public import SwitchyardHTTP

extension ProviderError {
    /// A failed exchange with `service`: a URL the client's outbound policy refused is
    /// permanent (`forbidden_url`), 429 waits for its `Retry-After` (5 s without one), 5xx,
    /// timeouts and network trouble are transient, other statuses permanent.
    public init(_ error: HTTPClientError, service: String) {
        let detail = "\(service): \(error.message)" + (error.bodyExcerpt.map { ": \($0.prefix(200))" } ?? "")
        if error.code == .forbiddenURL {
            self.init(.permanent, "forbidden_url", detail)
        } else if error.status == 429 {
            self.init(.rateLimited(retryAfter: error.retryAfter ?? .seconds(5)), "rate_limited", detail, statusCode: 429)
        } else if error.isTransient {
            let errorClass = error.code == .timeout || error.code == .connectTimeout ? "timeout"
                : error.status.map { $0 >= 500 ? "upstream_5xx" : "upstream_\($0)" } ?? "network"
            self.init(.transient, errorClass, detail, statusCode: error.status)
        } else {
            self.init(.permanent, error.status.map { "upstream_\($0)" } ?? "http_client", detail, statusCode: error.status)
        }
    }

    /// Sends `request` with `client` and returns the 2xx answer; anything else becomes a
    /// classified error naming `service`.
    public static func exchange(_ request: HTTPRequest, with client: HTTPClient, service: String) async throws(ProviderError) -> HTTPResponse {
        do {
            return try await client.execute(request).requireSuccess()
        } catch let error as HTTPClientError {
            throw ProviderError(error, service: service)
        } catch {
            throw ProviderError(.transient, "network", "\(service): \(error)")
        }
    }
}
