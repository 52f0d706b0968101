// Two tenants, the ingress and the workflow API, for the workflow engine's tests.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// The ingress with a secrets key, two tenants, and shortcuts for defining workflows and
/// transformers and following jobs.
struct WorkflowHarness {
    let tenants: JobAPITests.Tenants
    var ingress: IngressHarness { tenants.ingress }

    /// A fixed 32-byte key, so the ingress and the workers share it.
    static let secretsKey = String(repeating: "5e", count: 32)

    /// What every workflow worker needs: the secrets key and 127.0.0.1 allowed for the fake servers.
    static let workerEnvironment = ["SWITCHYARD_SECRETS_KEY": secretsKey, "SWITCHYARD_OUTBOUND_ALLOW": "127.0.0.1/32"]

    static func start(_ fleet: Fleet) async throws -> WorkflowHarness {
        WorkflowHarness(tenants: try await JobAPITests.Tenants.start(fleet, environment: ["SWITCHYARD_SECRETS_KEY": secretsKey]))
    }

    /// Starts a `workflow` worker (with the dead-letter archiver).
    @discardableResult
    func worker(_ fleet: Fleet, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> Process {
        try fleet.startWorker(["workflow", "dead-letters"] + arguments, environment: Self.workerEnvironment.merging(environment) { $1 })
    }

    /// `PUT /v1/workflows/{id}` as tenant A (or `key`); requires 200 or 201.
    @discardableResult
    func define(_ id: String, _ definition: String, key: String? = nil) async throws -> [String: Any] {
        let response = try await ingress.send(
            .put, "/v1/workflows/\(id)", key: key ?? tenants.a.key, body: #"{"name":"\#(id)","definition":\#(definition)}"#)
        try #require(response.status == 200 || response.status == 201, "PUT /v1/workflows/\(id): \(response.bodyText)")
        return response.json
    }

    /// `PUT /v1/transformers/{id}` as tenant A; requires 200 or 201.
    func configure(_ id: String, _ body: String) async throws {
        let response = try await ingress.send(.put, "/v1/transformers/\(id)", key: tenants.a.key, body: body)
        try #require(response.status == 200 || response.status == 201, "PUT /v1/transformers/\(id): \(response.bodyText)")
    }

    /// Starts a job as tenant A; returns its id.
    func start(_ workflow: String, input: String = "{}") async throws -> String {
        let response = try await ingress.send(.post, "/v1/workflows/\(workflow)/jobs", key: tenants.a.key, body: #"{"input":\#(input)}"#)
        try #require(response.status == 201, "starting \(workflow): \(response.bodyText)")
        return try #require(response.json["job_id"] as? String)
    }

    /// `GET /v1/jobs/{id}` as tenant A.
    func job(_ id: String) async throws -> [String: Any] {
        try await ingress.send(.get, "/v1/jobs/\(id)", key: tenants.a.key).json
    }

    /// Waits until the job has `status` (failing early if it ends otherwise), and returns it.
    @discardableResult
    func wait(_ id: String, for status: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        try await eventually("job \(id) to be \(status)", timeout: timeout) {
            last = try await job(id)
            let now = last["status"] as? String ?? ""
            if ["completed", "failed", "cancelled"].contains(now) && now != status {
                Issue.record("job \(id) ended \(now), not \(status): \(last["error"] ?? "")")
                return true
            }
            return now == status
        }
        return last
    }

    /// The statuses of a job's `state_history`, with step and attempt: `running@fetch#1`.
    static func history(_ job: [String: Any]) -> [String] {
        (job["state_history"] as? [[String: Any]] ?? []).map { entry in
            var text = entry["status"] as? String ?? "?"
            if let step = entry["step_id"] as? String { text += "@\(step)" }
            if let attempt = entry["attempt"] as? Int { text += "#\(attempt)" }
            return text
        }
    }
}
