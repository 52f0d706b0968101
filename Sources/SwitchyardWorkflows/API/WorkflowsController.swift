// The workflow API: define a workflow (each change a new version), list them, read one.

import Foundation
import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPostgres

/// `PUT /v1/workflows/{id}`, `GET /v1/workflows`, `GET /v1/workflows/{id}[?version=N]`.
///
/// A definition is validated in the tenant's transaction (its transformer ids against the
/// built-in types and the tenant's configured transformers); every problem is answered at once,
/// 400 `invalid_definition` with JSON Pointers into the request. Built-in workflows are
/// visible to every tenant and can't be overwritten (409 `builtin_workflow`).
struct WorkflowsController: RouteController {
    let context: RouteContext

    static let defaultPageSize = 50
    static let maxPageSize = 200

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.put("v1/workflows/:workflow_id") { request, context in
            try await save(request, id: context.parameters.get("workflow_id") ?? "", from: context.clientAddress)
        }
        router.get("v1/workflows") { request, context in try await list(request, from: context.clientAddress) }
        router.get("v1/workflows/:workflow_id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            guard let id = context.parameters.identifier("workflow_id") else { throw APIError.notFound("workflow") }
            var version: Int?
            if let text = request.uri.queryParameters["version"].map(String.init) {
                guard let number = Int(text), (1...Int(Int32.max)).contains(number) else {
                    throw APIError(.badRequest, "invalid_parameter", "expected a version number (1, 2, ...), got '\(text)'", field: "version")
                }
                version = number
            }
            let workflow = try await pool.asTenant(caller.tenantID, logger: logger) { [version] connection in
                try WorkflowStore.find(tenantID: caller.tenantID, id: id, version: version, on: connection)
            }
            guard let workflow else { throw APIError.notFound(version == nil ? "workflow" : "workflow version") }
            return APIResponse.json(workflow)
        }
    }

    /// Creates (201) or updates (200) a workflow: `{"id","version"}`.
    func save(_ request: Request, id: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        guard Parameters.isIdentifier(id) else {
            throw APIError(.badRequest, "invalid_parameter", "expected \(Parameters.identifierRule), got '\(id.prefix(120))'", field: "workflow_id")
        }
        try request.requireJSON()
        let body = try WorkflowBody(JSONBody.parse(try await request.body(upTo: bodyLimit)))
        let saved = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
            if try WorkflowStore.isBuiltIn(id, on: connection) {
                throw APIError(.conflict, "builtin_workflow", "'\(id)' is a built-in workflow, which can't be overwritten; choose another id",
                               field: "workflow_id")
            }
            let transformers = try WorkflowStore.transformerIDs(tenantID: caller.tenantID, on: connection)
            let validator = WorkflowValidator { TransformerType(rawValue: $0) != nil || transformers.contains($0) }
            if case .failure(let problems) = validator.validate(body.definition, at: JSONPointer.root.appending("definition")) {
                throw APIError(.badRequest, "invalid_definition", problems: problems.map { APIError.Problem(field: $0.pointer, message: $0.message) })
            }
            return try WorkflowStore.save(
                tenantID: caller.tenantID, id: id, name: body.name, description: body.description, definition: body.definitionText,
                on: connection)
        }
        switch saved {
        case .created:
            return APIResponse.json(#"{"id":\#(Self.quoted(id)),"version":1}"#, status: .created)
        case .updated(let version), .unchanged(let version):
            return APIResponse.json(#"{"id":\#(Self.quoted(id)),"version":\#(version)}"#)
        }
    }

    /// The workflows the caller can run, by id: `?limit=&cursor=`.
    func list(_ request: Request, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        let query = request.uri.queryParameters
        var limit = Self.defaultPageSize
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), (1...Self.maxPageSize).contains(value) else {
                throw APIError(.badRequest, "invalid_parameter", "expected an integer 1...\(Self.maxPageSize), got '\(text)'", field: "limit")
            }
            limit = value
        }
        let cursor = query["cursor"].map(String.init)
        if let cursor, !Parameters.isIdentifier(cursor) {
            throw APIError(.badRequest, "invalid_parameter", "expected a next_cursor from an earlier page", field: "cursor")
        }
        let page = try await pool.asTenant(caller.tenantID, logger: logger) { [limit] connection in
            try WorkflowStore.list(tenantID: caller.tenantID, limit: limit, after: cursor, on: connection)
        }
        let next = page.nextCursor.map(Self.quoted) ?? "null"
        return APIResponse.json("{\"workflows\":[\(page.workflows.joined(separator: ","))],\"next_cursor\":\(next)}")
    }

    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

/// The body of `PUT /v1/workflows/{id}`: `{"name", "description"?, "definition"}`.
struct WorkflowBody {
    var name: String
    var description: String?
    var definition: JSONValue
    var definitionText: String

    init(_ body: JSONValue) throws(APIError) {
        guard case .object(let members) = body else {
            throw APIError(.badRequest, "invalid_workflow", "expected an object {name, description?, definition}, got \(body.kindName)")
        }
        if let unknown = members.keys.sorted().first(where: { !["name", "description", "definition"].contains($0) }) {
            throw APIError(.badRequest, "invalid_workflow", "unknown field; a workflow has name, description and definition",
                           field: JSONPointer.root.appending(unknown).description)
        }
        guard case .string(let name)? = members["name"], (1...200).contains(name.count) else {
            throw APIError(.badRequest, "invalid_workflow", "expected a name of 1 to 200 characters, got \(members["name"]?.kindName ?? "nothing")",
                           field: "/name")
        }
        switch members["description"] {
        case nil, .null?: description = nil
        case .string(let text)? where text.count <= 2_000: description = text
        case let other?:
            throw APIError(.badRequest, "invalid_workflow", "expected a description of at most 2000 characters, got \(other.kindName)",
                           field: "/description")
        }
        guard let definition = members["definition"] else {
            throw APIError(.badRequest, "invalid_definition", "expected a definition {start_step, steps, output_map?}", field: "/definition")
        }
        try JSONBody.requireStorable(body, field: "definition")
        self.name = name
        self.definition = definition
        definitionText = definition.jsonText
    }
}
