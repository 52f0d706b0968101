// The offline build service: a local simulator that reports back through the real webhook.

import Crypto
import Foundation
public import Logging
public import SwitchyardCore
import SwitchyardHTTP
public import SwitchyardProviders
import Synchronization

/// Simulates the build service: `startBuild` returns a build id at once (derived from the
/// idempotency key, so a retried start is the same build and starts nothing new) and then,
/// in the background, posts signed callbacks to the webhook URL exactly as the service would:
/// `build_progress` with sequence 1, 2, 3 (one per plan phase's third of the work) and
/// `build_completed` with sequence 4. Each callback is retried until the ingress accepts it.
/// Callbacks of a worker that dies mid-simulation are lost with it: this stands in for an
/// external service, it is not one.
public final class OfflineBuildService: BuildService {
    public let name = "offline"
    private let signer: WebhookSigner
    private let step: Duration
    private let client = HTTPClient()
    private let started = Mutex<Set<String>>([])
    private let logger: Logger

    /// Creates the simulator.
    /// - Parameters:
    ///   - signer: Signs callbacks with the build service's webhook secret.
    ///   - step: The time between callbacks.
    ///   - logger: Where to log.
    public init(signer: WebhookSigner, step: Duration = .milliseconds(200), logger: Logger) {
        self.signer = signer
        self.step = step
        self.logger = logger
    }

    public func startBuild(plan: JSONValue, projectID: String, webhookURL: String, idempotencyKey: String) async throws(ProviderError) -> StartedBuild {
        let digest = HexText.lowercase(SHA256.hash(data: Data(idempotencyKey.utf8)).prefix(8))
        let buildID = "sim-\(digest)"
        let build = StartedBuild(buildID: buildID, serviceProjectID: "sim-project-\(projectID.prefix(8))")
        let isNew = started.withLock { $0.insert(buildID).inserted }
        guard isNew else { return build }
        let featureCount = (plan["features"].flatMap { if case .array(let items) = $0 { items.count } else { nil } }) ?? 0
        Task { [self] in
            let callbacks: [[String: JSONValue]] = [
                ["event": "build_progress", "progress": 30, "message": "scaffolded the project"],
                ["event": "build_progress", "progress": 60, "message": .string("implemented \(featureCount) features")],
                ["event": "build_progress", "progress": 90, "message": "tests pass"],
                ["event": "build_completed", "progress": 100, "message": "build succeeded"],
            ]
            for (index, callback) in callbacks.enumerated() {
                try? await Task.sleep(for: step)
                var body = callback
                body["build_id"] = .string(buildID)
                body["project_id"] = .string(projectID)
                body["sequence"] = .int(Int64(index + 1))
                await deliver(.object(body), id: "\(buildID)-\(index + 1)", to: webhookURL)
            }
        }
        return build
    }

    /// Posts one signed callback, retrying with backoff until it is accepted (or 10 tries).
    private func deliver(_ body: JSONValue, id: String, to url: String) async {
        let bytes = Array((try? JSONEncoder().encode(body)) ?? Data())
        var wait = Duration.milliseconds(200)
        for attempt in 1...10 {
            let timestamp = Int(Date().timeIntervalSince1970)
            let request = HTTPRequest(method: .post, url: url, headers: [
                HTTPHeader("Content-Type", "application/json"), HTTPHeader("webhook-id", id),
                HTTPHeader("webhook-timestamp", "\(timestamp)"),
                HTTPHeader("webhook-signature", signer.signature(id: id, timestamp: timestamp, body: bytes)),
            ], body: bytes)
            do {
                let response = try await client.execute(request)
                if (200..<300).contains(response.status) { return }
                logger.warning("offline build simulator: callback refused", metadata: [
                    "webhook_id": "\(id)", "status": "\(response.status)", "attempt": "\(attempt)"])
            } catch {
                logger.warning("offline build simulator: callback failed", metadata: [
                    "webhook_id": "\(id)", "error": "\(error)", "attempt": "\(attempt)"])
            }
            try? await Task.sleep(for: wait)
            wait = min(wait * 2, .seconds(5))
        }
    }
}
