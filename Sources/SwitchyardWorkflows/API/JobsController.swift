// The job API: start a workflow, read a job, list the caller's jobs, cancel a job.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPostgres

/// `POST /v1/workflows/{workflow_id}/jobs`, `GET /v1/jobs/{id}`, `GET /v1/jobs`,
/// `POST /v1/jobs/{id}/cancel` (202 with the job; 409 `job_finished` when it is over).
///
/// Parses, authenticates, calls ``JobStore`` in the caller's tenant transaction (as the
/// row-level-security role, every query also naming the tenant, so another tenant's job is 404
/// twice over) and renders. A new job and its first `workflow.step` message commit together
/// (``IdempotentCreation``), so 201 means both exist.
///
/// A job's answer carries every step's input and output and can be several times the job data
/// limit. One estimated over ``answerReservedAbove`` waits for room in ``answers`` (see
/// ``AnswerBudget``) before it is read, so concurrent reads of large jobs can't take the
/// ingress's memory; smaller ones are read at once, in one round trip as before.
struct JobsController: RouteController {
    let context: RouteContext
    /// The bytes that large job answers may hold at once (`SWITCHYARD_JOB_ANSWER_BUDGET`).
    let answers: AnswerBudget

    /// Answers estimated at or under this many bytes need no reservation: about what the
    /// sockets' buffers and NIO's high watermark hold for any connection anyway, so many
    /// clients that stop reading them hold little (above it, up to 1 MiB each went uncounted).
    static let answerReservedAbove = 64 << 10

    /// How many copies of a large answer the ingress holds at most while it reads it: libpq's
    /// result, the text decoded from it, and the buffer it is sent from. A reservation counts
    /// them all (measured: 8 concurrent reads of a 48 MiB answer took the ingress to 1,039 MB
    /// without a budget, and to 735 MB when each reserved only its size in 256 MiB).
    static let copiesWhileRead = 3

    /// The slowest a client may take a large answer (`SWITCHYARD_HTTP_MIN_SEND_RATE`).
    let sendRateFloor: SendRateFloor

    /// Reads `SWITCHYARD_JOB_ANSWER_BUDGET` (bytes, 1 MiB to 16 GiB; default 256 MiB) and the
    /// send-rate floor (``SendRateFloor``).
    /// - Throws: ``ConfigurationError`` naming the variable.
    init(context: RouteContext) throws(ConfigurationError) {
        self.context = context
        let variables = ConfigurationVariables(context.environment)
        answers = AnswerBudget(capacity: try variables.integer(
            "SWITCHYARD_JOB_ANSWER_BUDGET", default: 256 << 20, in: (1 << 20)...(16 << 30)))
        sendRateFloor = try SendRateFloor(variables)
    }

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.post("v1/workflows/:workflow_id/jobs") { request, context in
            try await create(request, workflowID: context.parameters.get("workflow_id") ?? "", from: context.clientAddress)
        }
        router.get("v1/jobs/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "job")
            let job = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try JobStore.find(id: id, tenantID: caller.tenantID, renderingUpTo: Self.answerReservedAbove, on: connection)
            }
            return try await answer(job, id: id, tenantID: caller.tenantID, draining: context)
        }
        router.get("v1/jobs") { request, context in try await list(request, from: context.clientAddress) }
        router.post("v1/jobs/:id/cancel") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "job")
            let job = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try JobStore.Refusal.answered {
                    try JobStore.cancel(id: id, tenantID: caller.tenantID, renderingUpTo: Self.answerReservedAbove, on: connection)
                }
            }
            return try await answer(job, id: id, tenantID: caller.tenantID, status: .accepted, draining: context)
        }
    }

    /// The answer for a job read with ``answerReservedAbove``: a large one is read again once
    /// its size is reserved in ``answers``, and holds the reservation until it is written.
    private func answer(
        _ job: JobStore.Answer?, id: String, tenantID: String, status: HTTPResponse.Status = .ok, draining context: IngressRequestContext
    ) async throws -> Response {
        switch job {
        case nil:
            throw APIError.notFound("job")
        case .rendered(let text):
            return APIResponse.json(text, status: status)
        case .large(let bytes):
            let reservation: AnswerBudget.Reservation
            do {
                reservation = try await answers.reserve(bytes * Self.copiesWhileRead)
            } catch var busy as APIError where status == .accepted {
                // The cancel has committed; only reading the job back found no room.
                busy.message = "the job is cancelled, but its answer can't be sent now (large answers fill this server's memory budget); GET /v1/jobs/\(id) later"
                throw busy
            }
            let reread = try await pool.asTenant(tenantID, logger: logger) { connection in
                try JobStore.find(id: id, tenantID: tenantID, on: connection)
            }
            guard case .rendered(let text) = reread else { throw APIError.notFound("job") }
            return APIResponse.json(text, status: status, holding: reservation, draining: context.channel, floor: sendRateFloor)
        }
    }

    /// Starts a job: `{"input": <any JSON>}` (or `input_data`, the seed's name; default `{}`);
    /// 201 `{"job_id","status","created_at"}`. A `Switchyard-Hop` (a workflow's `http` step
    /// starting the job) is kept as the job's `hops` (``WorkflowHops``).
    func create(_ request: Request, workflowID: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let hops = try request.workflowHops()
        try request.requireJSON()
        let bytes = try await request.body(upTo: bodyLimit)
        let input = try Self.input(of: try JSONBody.parse(bytes))
        let idempotencyKey = try IdempotencyKey(of: request, body: bytes)
        let jobID = UUID().uuidString.lowercased()
        let answer = try await creation.create(tenantID: caller.tenantID, key: idempotencyKey) { connection in
            try JobStore.creationAnswer(jobID: jobID, on: connection)
        } insert: { connection in
            let version = try JobStore.Refusal.answered {
                try JobStore.latestVersion(ofWorkflow: workflowID, tenantID: caller.tenantID, on: connection)
            }
            return [try JobStore.insert(
                jobID: jobID, tenantID: caller.tenantID, workflowID: workflowID, version: version, input: input, hops: hops,
                on: connection)]
        }
        return APIResponse.json(answer, status: .created)
    }

    /// The job's input as JSON text: `input`, or its synonym `input_data`, else `{}`.
    private static func input(of body: JSONValue) throws(APIError) -> String {
        guard case .object(let members) = body else {
            throw APIError(.unprocessableContent, "invalid_job", "expected a JSON object such as {\"input\": {...}}")
        }
        if let unknown = members.keys.sorted().first(where: { !["input", "input_data"].contains($0) }) {
            throw APIError(.unprocessableContent, "invalid_job", "unknown field; the body has only \"input\" (or \"input_data\")",
                           field: unknown)
        }
        if members["input"] != nil && members["input_data"] != nil {
            throw APIError(.unprocessableContent, "invalid_job", "give \"input\" or its synonym \"input_data\", not both",
                           field: "input_data")
        }
        let field = members["input"] == nil && members["input_data"] != nil ? "input_data" : "input"
        let value = members[field] ?? .object([:])
        try JSONBody.requireStorable(value, field: field)
        return value.jsonText
    }

    /// The caller's jobs, newest first: `?status=&limit=&cursor=`; `next_cursor` is null on
    /// the last page.
    func list(_ request: Request, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let parameters = try ListParameters(request, statuses: JobStatus.allCases.map(\.rawValue))
        let status = parameters.status.flatMap(JobStatus.init(rawValue:))
        let page = try await pool.asTenant(caller.tenantID, logger: logger) { [status] connection in
            try JobStore.Refusal.answered {
                try JobStore.list(
                    tenantID: caller.tenantID, status: status, limit: parameters.limit, after: parameters.cursor, on: connection)
            }
        }
        let next = page.nextCursor.map { "\"\($0)\"" } ?? "null"
        return APIResponse.json("{\"jobs\":[\(page.jobs.joined(separator: ","))],\"next_cursor\":\(next)}")
    }
}

extension JobStore.Refusal {
    /// The answer to the client.
    var apiError: APIError {
        switch self {
        case .unknownWorkflow:
            APIError(.notFound, "not_found", "no such workflow", field: "workflow_id")
        case .unknownCursor:
            APIError(.badRequest, "invalid_parameter", "no job of yours has this id; pass next_cursor from an earlier page", field: "cursor")
        case .finished(let status):
            APIError(.conflict, "job_finished", "the job is already \(status); only a pending, running or awaiting_retry job can be cancelled")
        }
    }

    /// What `body` returns, with a refusal turned into its answer.
    static func answered<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let refusal as JobStore.Refusal {
            throw refusal.apiError
        }
    }
}
