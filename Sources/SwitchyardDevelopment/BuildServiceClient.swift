// The build service's API: start a build that reports back through our webhook.

import Foundation
public import SwitchyardCore
public import SwitchyardHTTP
public import SwitchyardProviders

/// `POST {base}/builds` with `{"project_id", "plan", "webhook_url"}`, `Idempotency-Key` (so a
/// retried start is the same build) and `Authorization: Bearer`; the answer (201, or 200 for
/// a replayed key) carries `build_id` and, optionally, the service's `project_id`. 429 waits for `Retry-After`, 5xx and timeouts retry,
/// other statuses are permanent.
public struct BuildServiceClient: BuildService {
    public let name = "kiro"
    private let baseURL: String
    private let apiKey: String?
    private let client: HTTPClient

    /// Creates a client.
    public init(baseURL: String, apiKey: String?, client: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.client = client
    }

    public func startBuild(plan: JSONValue, projectID: String, webhookURL: String, idempotencyKey: String) async throws(ProviderError) -> StartedBuild {
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Idempotency-Key", idempotencyKey)]
        if let apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        let body: JSONValue = .object(["project_id": .string(projectID), "plan": plan, "webhook_url": .string(webhookURL)])
        let response = try await ProviderError.exchange(
            HTTPRequest(method: .post, url: baseURL + "/builds", headers: headers,
                        body: Array((try? JSONEncoder().encode(body)) ?? Data()), timeout: .seconds(30)),
            with: client, service: "build service")
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)),
              let buildID = answer["build_id"]?.string, !buildID.isEmpty
        else {
            throw ProviderError(.permanent, "invalid_response", "build service: the answer has no build_id", statusCode: response.status)
        }
        return StartedBuild(buildID: buildID, serviceProjectID: answer["project_id"]?.string)
    }
}
