// Validated definitions by workflow version: a version never changes, so it is parsed once.

import Synchronization
import SwitchyardCore

/// Parsed and validated definitions of workflow versions, at most ``capacity`` of them (the
/// cache starts over when full).
final class DefinitionCache: Sendable {
    static let capacity = 512
    private let definitions = Mutex<[Int64: WorkflowDefinition]>([:])

    /// The definition of version `id`, parsed from `text` unless cached.
    /// - Throws: The validator's problems, joined, for a stored definition that is not valid
    ///   (one stored before validation existed).
    func definition(version id: Int64, text: String) throws(DefinitionError) -> WorkflowDefinition {
        if let cached = definitions.withLock({ $0[id] }) { return cached }
        guard let json = try? JSONValue(parsing: Array(text.utf8)) else {
            throw DefinitionError(description: "the stored definition is not JSON")
        }
        switch WorkflowValidator(knowsTransformer: { _ in true }).validate(json) {
        case .success(let definition):
            definitions.withLock {
                if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
                $0[id] = definition
            }
            return definition
        case .failure(let problems):
            throw DefinitionError(description: "the workflow's definition is not valid: " + problems.map { $0.description }.joined(separator: "; "))
        }
    }

    struct DefinitionError: Error, CustomStringConvertible {
        var description: String
    }
}
