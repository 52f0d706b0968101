// The `build` role: start a project's build, then follow the build service's reports.

import Foundation
import SwitchyardCore
public import SwitchyardPostgres
public import SwitchyardProviders
public import SwitchyardRuntime

/// Consumes `build.requested` and `build.reported`.
///
/// `build.requested`: starts the build with the build service (our webhook URL
/// `SWITCHYARD_PUBLIC_URL/v1/webhooks/kiro`, the message id as idempotency key, so a retry
/// never starts a second build), then stores the build's and the service's project ids, moves
/// the project to `building`
/// and records build event 0 (`build started`).
///
/// `build.reported` (the service's callbacks through the webhook): stores the event once per
/// sequence number, and on `completed` or `failed` finishes the project (`completed_at` or
/// `error_message`). A finished project never moves again, so late or out-of-order callbacks
/// only add their events: the history keeps what the service said (a `failed` after
/// `completed` too), the project's status the first ending. A report for a build id we don't
/// know yet is retried: its start may not have committed; one without a build id, with an
/// unknown kind or a negative sequence is a `validation` dead letter at once.
public struct BuildRole: WorkerRole {
    public let name = "build"
    private let pool: PostgresPool
    private let service: any BuildService
    private let webhookURL: String
    private let calls: ExternalCalls

    /// Creates the role.
    /// - Parameters:
    ///   - pool: Where projects are read.
    ///   - service: The build service.
    ///   - publicURL: Where the build service reaches our ingress.
    ///   - calls: Makes the external calls (limits, api_usage).
    public init(pool: PostgresPool, service: any BuildService, publicURL: String, calls: ExternalCalls) {
        self.pool = pool
        self.service = service
        self.webhookURL = publicURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/v1/webhooks/kiro"
        self.calls = calls
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        guard let event = try? JSONValue(parsing: message.body) else {
            return .permanentFailure(HandlerFailure("validation", "\(message.type): the body is not JSON"))
        }
        switch message.type {
        case "build.requested": return await start(message)
        case "build.reported": return await record(event)
        default: return .permanentFailure(HandlerFailure("validation", "the build role does not handle \(message.type)"))
        }
    }

    private func start(_ message: WorkMessage) async -> HandlerOutcome {
        let stage: ProjectStage
        switch await ProjectStage.load(message, status: "ready_to_build", document: "plan", pool: pool) {
        case .ready(let ready): stage = ready
        case .finished(let outcome): return outcome
        }
        let projectID = stage.projectID
        guard let plan = try? JSONValue(parsing: Array(stage.document.utf8)) else {
            return .permanentFailure(HandlerFailure("validation", "project \(projectID) has no readable plan"))
        }
        let build: StartedBuild
        do {
            build = try await calls.perform(
                api: "build_service", endpoint: "start build", provider: service.name, tenantID: stage.tenantID, projectID: projectID
            ) { () async throws(ProviderError) in
                try await service.startBuild(plan: plan, projectID: projectID, webhookURL: webhookURL, idempotencyKey: message.messageID)
            }
        } catch {
            return .failed(error)
        }
        let tenantID = stage.tenantID
        let buildID = build.buildID
        return .success(HandlerEffects(write: { connection in
            let moved = try connection.execute(
                """
                UPDATE projects SET build_id = $2, build_service_project_id = $3, status = 'building',
                    build_started_at = clock_timestamp(), updated_at = clock_timestamp()
                WHERE id = $1::uuid AND status = 'ready_to_build'
                """, [projectID, buildID, build.serviceProjectID])
            guard moved == 1 else { return }
            try connection.execute(
                """
                INSERT INTO build_events (tenant_id, project_id, sequence, kind, progress, message, payload)
                VALUES ($1::uuid, $2::uuid, 0, 'progress', 0, $3, jsonb_build_object('build_id', $4::text))
                ON CONFLICT DO NOTHING
                """, [tenantID, projectID, "build started (\(buildID))", buildID])
        }))
    }

    private func record(_ event: JSONValue) async -> HandlerOutcome {
        // Each of these could never name a build or an event of one: no retry would help.
        guard let buildID = event["build_id"]?.string, !buildID.isEmpty else {
            return .permanentFailure(HandlerFailure(
                "validation", "build.reported: build_id: expected a non-empty string, got \(event["build_id"]?.excerpt() ?? "nothing")"))
        }
        guard let kind = event["kind"]?.string, ["progress", "completed", "failed"].contains(kind) else {
            return .permanentFailure(HandlerFailure(
                "validation", "build.reported: kind: expected progress, completed or failed, got \(event["kind"]?.excerpt() ?? "nothing")"))
        }
        guard let sequence = event["sequence"]?.integer, (0...Int64(Int32.max)).contains(sequence) else {
            return .permanentFailure(HandlerFailure(
                "validation",
                "build.reported: sequence: expected a whole number in 0...\(Int32.max), got \(event["sequence"]?.excerpt() ?? "nothing")"))
        }
        let found: (projectID: String, tenantID: String)?
        do {
            found = try await pool.withConnection { connection in
                try connection.query("SELECT id::text, tenant_id::text FROM projects WHERE build_id = $1", [buildID])
                    .first.map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
            }
        } catch {
            return .databaseFailure("finding build \(buildID)", error)
        }
        guard let found else {
            return .transientFailure(HandlerFailure("unknown_build", "no project has build \(buildID) yet"))
        }
        let details = event["details"] ?? .object([:])
        let progress = details["progress"]?.integer.flatMap { (0...100).contains($0) ? Int($0) : nil }
        let text = (details["message"]?.string ?? details["error"]?.string).map(Self.shown)
        let payload = (try? String(decoding: JSONEncoder().encode(details), as: UTF8.self)) ?? "{}"
        return .success(HandlerEffects(write: { connection in
            try connection.execute(
                """
                INSERT INTO build_events (tenant_id, project_id, sequence, kind, progress, message, payload)
                VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (project_id, sequence) DO NOTHING
                """, [found.tenantID, found.projectID, Int(sequence), kind, progress, text, payload])
            switch kind {
            case "completed":
                try connection.execute(
                    """
                    UPDATE projects SET status = 'completed', completed_at = clock_timestamp(), updated_at = clock_timestamp()
                    WHERE id = $1::uuid AND status NOT IN ('completed', 'failed')
                    """, [found.projectID])
            case "failed":
                try connection.execute(
                    """
                    UPDATE projects SET status = 'failed', error_message = $2, completed_at = clock_timestamp(), updated_at = clock_timestamp()
                    WHERE id = $1::uuid AND status NOT IN ('completed', 'failed')
                    """, [found.projectID, text ?? "the build failed"])
            default:
                break
            }
        }))
    }

    /// The most characters of a build event's message that are kept for the API and the live
    /// updates; the callback as sent stays whole in the event's `payload`.
    static let messageCharacters = 4_096

    /// `message` as kept: its first ``messageCharacters`` characters, and "…" when there were more.
    static func shown(_ message: String) -> String {
        message.count > messageCharacters ? String(message.prefix(messageCharacters)) + "…" : message
    }
}
