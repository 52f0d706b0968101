// The transformer API: a tenant's configured transformers, with secrets sealed at rest.

import Foundation
import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPostgres
import SwitchyardProviders

/// `PUT /v1/transformers/{id}` (`{"type","config"?,"description"?}`), `GET /v1/transformers`,
/// `GET /v1/transformers/{id}`.
///
/// `config.secrets` (an object of strings: API keys, tokens) is sealed with
/// ``SecretBox`` and stored apart from the rest of the configuration; reads show each secret as
/// `"***"`, and a `PUT` that sends `"***"` back keeps the stored value. Without
/// `SWITCHYARD_SECRETS_KEY` a transformer with secrets is refused (503 naming the variable).
/// The built-in types are listed too, and their names can't be taken.
struct TransformersController: RouteController {
    let context: RouteContext
    let secretBox: SecretBox?

    /// The most secrets a transformer may have, and the longest secret.
    static let maxSecrets = 20
    static let maxSecretLength = 8_192

    func addRoutes(to router: Router<IngressRequestContext>) {
        router.put("v1/transformers/:transformer_id") { request, context in
            try await save(request, id: context.parameters.get("transformer_id") ?? "", from: context.clientAddress)
        }
        router.get("v1/transformers") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            let own = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try TransformerStore.list(tenantID: caller.tenantID, on: connection)
            }
            return APIResponse.json("{\"transformers\":[\((TransformerType.allCases.map(Self.builtIn) + own).joined(separator: ","))]}")
        }
        router.get("v1/transformers/:transformer_id") { request, context in
            let caller = try await authentication.caller(of: request, from: context.clientAddress)
            guard let id = context.parameters.identifier("transformer_id") else { throw APIError.notFound("transformer") }
            if let type = TransformerType(rawValue: id) { return APIResponse.json(Self.builtIn(type)) }
            let found = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
                try TransformerStore.find(tenantID: caller.tenantID, id: id, on: connection)
            }
            guard let found else { throw APIError.notFound("transformer") }
            return APIResponse.json(found)
        }
    }

    /// A built-in type as the API shows it.
    static func builtIn(_ type: TransformerType) -> String {
        #"{"id":"\#(type.rawValue)","type":"\#(type.rawValue)","builtin":true,"settings":[\#(TransformerSettings.keys(of: type).map { "\"\($0)\"" }.joined(separator: ","))],"takes_secrets":\#(TransformerSettings.takesSecrets(type))}"#
    }

    /// Creates (201) or replaces (200) a transformer: `{"id","version"}`.
    func save(_ request: Request, id: String, from address: String) async throws -> Response {
        let caller = try await authentication.caller(of: request, from: address)
        guard Parameters.isIdentifier(id) else {
            throw APIError(.badRequest, "invalid_parameter", "expected \(Parameters.identifierRule), got '\(id.prefix(120))'", field: "transformer_id")
        }
        if TransformerType(rawValue: id) != nil {
            throw APIError(.conflict, "builtin_transformer", "'\(id)' is a built-in transformer type; choose another id", field: "transformer_id")
        }
        try request.requireJSON()
        let body = try TransformerBody(JSONBody.parse(try await request.body(upTo: bodyLimit)))
        if !body.secrets.isEmpty && secretBox == nil {
            throw APIError(.serviceUnavailable, "secrets_unavailable",
                           "this server has no \(SecretBox.variable), so transformers with secrets can't be stored", field: "/config/secrets")
        }
        let secretBox = secretBox
        let version = try await pool.asTenant(caller.tenantID, logger: logger) { connection in
            let owner = TransformerSecrets.owner(tenantID: caller.tenantID, transformerID: id)
            var secrets = body.secrets
            let kept = secrets.filter { $0.value == TransformerSecrets.mask }.map(\.key).sorted()
            if !kept.isEmpty {
                let stored = try TransformerStore.secrets(tenantID: caller.tenantID, id: id, on: connection)
                let opened: [String: String]
                do {
                    opened = try stored?.sealed.map { sealed in
                        try JSONDecoder().decode([String: String].self, from: Data(try secretBox?.open(sealed, owner: owner) ?? []))
                    } ?? [:]
                } catch {
                    throw APIError(.conflict, "secrets_unreadable", "the stored secrets can't be opened with this server's key; send their values",
                                   field: "/config/secrets")
                }
                for name in kept {
                    guard let value = opened[name] else {
                        throw APIError(.badRequest, "invalid_transformer", "\"***\" keeps a stored secret, but none is stored under this name",
                                       field: "/config/secrets/\(name)")
                    }
                    secrets[name] = value
                }
            }
            let sealed = secrets.isEmpty ? nil : secretBox?.seal(Array((try JSONEncoder().encode(secrets))), owner: owner)
            return try TransformerStore.save(
                tenantID: caller.tenantID, id: id, type: body.type.rawValue, description: body.description, config: body.configText,
                secretNames: secrets.keys.sorted(), sealed: sealed, on: connection)
        }
        let answer = #"{"id":\#(WorkflowsController.quoted(id)),"version":\#(version)}"#
        return APIResponse.json(answer, status: version == 1 ? .created : .ok)
    }
}

/// The body of `PUT /v1/transformers/{id}`: `{"type", "config"?, "description"?}`, checked.
struct TransformerBody {
    var type: TransformerType
    var description: String?
    /// The configuration without its secrets, as JSON text.
    var configText: String
    var secrets: [String: String]

    init(_ body: JSONValue) throws(APIError) {
        func invalid(_ field: String, _ message: String) -> APIError {
            APIError(.badRequest, "invalid_transformer", message, field: field)
        }
        guard case .object(let members) = body else {
            throw invalid("/", "expected an object {type, config?, description?}, got \(body.kindName)")
        }
        if let unknown = members.keys.sorted().first(where: { !["type", "config", "description"].contains($0) }) {
            throw invalid(JSONPointer.root.appending(unknown).description, "unknown field; a transformer has type, config and description")
        }
        guard let name = members["type"]?.string, let type = TransformerType(rawValue: name) else {
            throw invalid("/type", "expected one of \(TransformerType.names), got \(members["type"]?.excerpt() ?? "nothing")")
        }
        switch members["description"] {
        case nil, .null?: description = nil
        case .string(let text)? where text.count <= 2_000: description = text
        case let other?: throw invalid("/description", "expected a description of at most 2000 characters, got \(other.kindName)")
        }
        var config: [String: JSONValue] = [:]
        switch members["config"] {
        case nil, .null?: break
        case .object(let object)?: config = object
        case let other?: throw invalid("/config", "expected an object of settings, got \(other.kindName)")
        }
        try JSONBody.requireStorable(body, field: "config")
        var secrets: [String: String] = [:]
        if let value = config.removeValue(forKey: "secrets"), value != .null {
            guard TransformerSettings.takesSecrets(type) else {
                throw invalid("/config/secrets", "\(type.rawValue) takes no secrets; http and llm do")
            }
            guard case .object(let object) = value, object.count <= TransformersController.maxSecrets else {
                throw invalid("/config/secrets", "expected an object of at most \(TransformersController.maxSecrets) secrets by name, got \(value.kindName)")
            }
            for (key, secret) in object.sorted(by: { $0.key < $1.key }) {
                guard Parameters.isIdentifier(key), !key.contains(".") else {
                    throw invalid("/config/secrets", "a secret's name has letters, digits, '_' and '-', got '\(key.prefix(100))'")
                }
                guard case .string(let text) = secret, (1...TransformersController.maxSecretLength).contains(text.count) else {
                    throw invalid("/config/secrets/\(key)", "expected a string of 1 to \(TransformersController.maxSecretLength) characters")
                }
                secrets[key] = text
            }
        }
        let problems = TransformerSettings.problems(
            of: config, type: type, secretNames: Set(secrets.keys), at: JSONPointer.root.appending("config"))
        if !problems.isEmpty {
            throw APIError(.badRequest, "invalid_transformer", problems: problems.map { APIError.Problem(field: $0.pointer, message: $0.message) })
        }
        self.type = type
        self.secrets = secrets
        configText = JSONValue.object(config).jsonText
    }
}
