// From a step's `transformer_id` to the transformer that runs it, with its settings.

import Foundation
import SwitchyardCore
import SwitchyardPostgres
import SwitchyardProviders

/// The built-in transformers, and tenants' configured ones read from `transformers` with
/// their secrets opened.
struct TransformerCatalog: Sendable {
    /// A transformer ready to run.
    struct Resolved: Sendable {
        var type: TransformerType
        var transformer: any StepTransformer
        var config: [String: JSONValue]
        var secrets: [String: String]
    }

    /// Why a transformer can't run.
    enum Refusal: Error {
        /// The tenant's doing (the transformer was deleted, its type is unknown): the step fails.
        case step(String)
        /// This worker's configuration (no secrets key, another key): retried, then a dead letter.
        case worker(String)
    }

    let builtins: [TransformerType: any StepTransformer]
    let secretBox: SecretBox?

    /// The transformer `id` names for `tenantID`.
    /// - Throws: ``Refusal``, or the database's error.
    func resolve(_ id: String, tenantID: String, pool: PostgresPool) async throws -> Resolved {
        if let type = TransformerType(rawValue: id) {
            return Resolved(type: type, transformer: try builtin(type), config: [:], secrets: [:])
        }
        let row = try await pool.withConnection { connection in
            try connection.query(
                "SELECT type, config::text, sealed_secrets FROM transformers WHERE tenant_id = $1::uuid AND id = $2", [tenantID, id]
            ).first.map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1), try $0.decode([UInt8]?.self, at: 2)) }
        }
        guard let (typeName, configText, sealed) = row else {
            throw Refusal.step("no transformer '\(id)': it is neither a built-in type (\(TransformerType.names)) nor one of yours")
        }
        guard let type = TransformerType(rawValue: typeName) else { throw Refusal.step("transformer '\(id)' has an unknown type '\(typeName)'") }
        let config = (try? JSONValue(parsing: Array(configText.utf8)))?.object ?? [:]
        var secrets: [String: String] = [:]
        if let sealed {
            guard let secretBox else {
                throw Refusal.worker("transformer '\(id)' has secrets and this worker has no \(SecretBox.variable) to open them")
            }
            do {
                let opened = try secretBox.open(sealed, owner: TransformerSecrets.owner(tenantID: tenantID, transformerID: id))
                secrets = try JSONDecoder().decode([String: String].self, from: Data(opened))
            } catch {
                throw Refusal.worker("transformer '\(id)': \(error)")
            }
        }
        return Resolved(type: type, transformer: try builtin(type), config: config, secrets: secrets)
    }

    private func builtin(_ type: TransformerType) throws(Refusal) -> any StepTransformer {
        guard let transformer = builtins[type] else { throw Refusal.worker("this worker has no \(type.rawValue) transformer") }
        return transformer
    }
}

/// How a configured transformer's secrets are sealed.
enum TransformerSecrets {
    /// The owner a transformer's secrets are bound to.
    static func owner(tenantID: String, transformerID: String) -> String {
        "transformer:\(tenantID)/\(transformerID)"
    }

    /// The value shown for a secret, and accepted back to mean "keep the stored one".
    static let mask = "***"

    /// `text` with every secret value (of at least 4 characters) replaced by the mask.
    static func scrub(_ text: String, _ secrets: [String: String]) -> String {
        secrets.values.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: mask) }
    }

    /// `value` with every secret value in its strings (and keys) replaced by the mask.
    static func scrub(_ value: JSONValue, _ secrets: [String: String]) -> JSONValue {
        guard secrets.values.contains(where: { $0.count >= 4 }) else { return value }
        switch value {
        case .string(let text): return .string(scrub(text, secrets))
        case .array(let items): return .array(items.map { scrub($0, secrets) })
        case .object(let members):
            return .object(Dictionary(members.map { (scrub($0.key, secrets), scrub($0.value, secrets)) }) { first, _ in first })
        default: return value
        }
    }
}
