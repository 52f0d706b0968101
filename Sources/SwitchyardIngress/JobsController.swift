// The job API: start a workflow, read a job, list the caller's jobs.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Switchyard
import SwitchyardPostgres
import SwitchyardRuntime

/// `POST /v1/workflows/{workflow_id}/jobs`, `GET /v1/jobs/{id}`, `GET /v1/jobs`.
///
/// Every query runs as the row-level-security role for the caller's tenant and also names the
/// tenant, so another tenant's job is 404 twice over. A new job and its first `workflow.step`
/// message commit together (the message through the outbox), so 201 means both exist.
struct JobsController: Sendable {
    let configuration: IngressConfiguration
    let pool: PostgresPool
    let authentication: CallerAuthentication
    let outbox: OutboxWriter
    let logger: Logger

    static let statuses = ["pending", "running", "completed", "failed", "awaiting_retry"]
    static let defaultPageSize = 20
    static let maxPageSize = 100

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.post("v1/workflows/:workflow_id/jobs") { request, context in
            try await create(request, workflowID: context.parameters.get("workflow_id") ?? "", from: context.clientAddress)
        }
        router.get("v1/jobs/:id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let id = try context.parameters.uuid("id", naming: "job")
            let job = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try connection.query("SELECT \(Representation.job) FROM jobs j WHERE j.id = $1::uuid AND j.tenant_id = $2::uuid",
                                     [id, caller.tenantID]).first?.decode(String.self, at: 0)
            }
            guard let job else { throw APIError.notFound("job") }
            return IngressServer.json(job)
        }
        router.get("v1/jobs") { request, context in try await list(request, from: context.clientAddress) }
    }

    /// Starts a job: `{"input": <any JSON>}` (or `input_data`, the seed's name; default `{}`);
    /// 201 `{"job_id","status","created_at"}`.
    func create(_ request: Request, workflowID: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        try request.requireJSON()
        let bytes = try await request.body(upTo: configuration.bodyLimit)
        guard case .object(let members) = try JSONBody.parse(bytes) else {
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
        let inputField = members["input"] == nil && members["input_data"] != nil ? "input_data" : "input"
        let inputValue = members[inputField] ?? .object([:])
        try JSONBody.requireStorable(inputValue, field: inputField)
        let input = String(decoding: try JSONEncoder().encode(inputValue), as: UTF8.self)
        let idempotencyKey = try IdempotencyKey(of: request, body: bytes)
        let jobID = UUID().uuidString.lowercased()
        let outbox = outbox
        let answer = try await pool.asTenant(caller.tenantID, logger: logger) { connection -> String in
            let start = try connection.query(
                "SELECT definition->>'start' FROM workflows WHERE id = $1 AND (tenant_id IS NULL OR tenant_id = $2::uuid)",
                [workflowID, caller.tenantID])
            guard let startRow = start.first, let firstStep = try startRow.decode(String?.self, at: 0) else {
                throw APIError(.notFound, "not_found", "no such workflow", field: "workflow_id")
            }
            // now() is the transaction's start, so this is the created_at the insert stores.
            let answer = try connection.query(
                "SELECT json_build_object('job_id', $1::uuid, 'status', 'pending', 'created_at', switchyard_time(now()))::text",
                [jobID])[0].decode(String.self, at: 0)
            if let earlier = try idempotencyKey?.claim(answer: answer, tenantID: caller.tenantID, on: connection) {
                return earlier
            }
            try connection.execute(
                """
                INSERT INTO jobs (id, tenant_id, workflow_id, input, current_step_id, state_history)
                VALUES ($1::uuid, $2::uuid, $3, $4::jsonb, $5,
                        jsonb_build_array(jsonb_build_object('status', 'pending', 'at', switchyard_time(now()))))
                """, [jobID, caller.tenantID, workflowID, input, firstStep])
            let step = try JSONEncoder().encode(JSONValue.object(["v": 1, "job_id": .string(jobID), "step_id": .string(firstStep)]))
            try outbox.insert(
                [OutgoingEvent(type: "workflow.step", body: Array(step), correlationID: jobID, tenantID: caller.tenantID)],
                tenantID: caller.tenantID, on: connection)
            try outbox.notify(on: connection)
            return answer
        }
        return IngressServer.json(answer, status: .created)
    }

    /// The caller's jobs, newest first: `?status=&limit=&cursor=`; `next_cursor` is null on
    /// the last page.
    func list(_ request: Request, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let query = request.uri.queryParameters
        var conditions = ["j.tenant_id = $1::uuid"]
        var parameters: [any PostgresEncodable] = [caller.tenantID]
        if let status = query["status"].map(String.init) {
            guard Self.statuses.contains(status) else {
                throw APIError(.badRequest, "invalid_parameter",
                               "expected one of \(Self.statuses.joined(separator: ", ")), got '\(status)'", field: "status")
            }
            parameters.append(status)
            conditions.append("j.status = $\(parameters.count)")
        }
        var limit = Self.defaultPageSize
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), (1...Self.maxPageSize).contains(value) else {
                throw APIError(.badRequest, "invalid_parameter", "expected an integer 1...\(Self.maxPageSize), got '\(text)'", field: "limit")
            }
            limit = value
        }
        if let cursor = query["cursor"].map(String.init) {
            guard let id = UUID(uuidString: cursor) else {
                throw APIError(.badRequest, "invalid_parameter", "expected a next_cursor from an earlier page", field: "cursor")
            }
            parameters.append(id.uuidString.lowercased())
            conditions.append(
                "(j.created_at, j.id) < (SELECT c.created_at, c.id FROM jobs c WHERE c.id = $\(parameters.count)::uuid AND c.tenant_id = $1::uuid)")
        }
        let sql = """
            SELECT \(Representation.jobSummary), j.id::text FROM jobs j WHERE \(conditions.joined(separator: " AND "))
            ORDER BY j.created_at DESC, j.id DESC LIMIT \(limit + 1)
            """
        let bound = parameters
        let cursor = query["cursor"].map(String.init)
        let page = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
            if let cursor, try connection.query("SELECT 1 FROM jobs WHERE id = $1::uuid AND tenant_id = $2::uuid", [cursor, caller.tenantID]).isEmpty {
                throw APIError(.badRequest, "invalid_parameter", "no job of yours has this id; pass next_cursor from an earlier page", field: "cursor")
            }
            return try connection.query(sql, bound).map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
        }
        let shown = page.prefix(limit)
        let next = page.count > limit ? shown.last.map { "\"\($0.1)\"" } ?? "null" : "null"
        return IngressServer.json("{\"jobs\":[\(shown.map(\.0).joined(separator: ","))],\"next_cursor\":\(next)}")
    }
}
