// Ids taken from request paths and queries.

import Foundation
public import Hummingbird

extension Parameters {
    /// The UUID in path parameter `name`, lower-cased; anything else names no resource.
    /// - Throws: ``APIError`` 404 `not_found` for `what` when the parameter is not a UUID.
    public func uuid(_ name: String, naming what: String) throws(APIError) -> String {
        guard let text = get(name), let id = UUID(uuidString: text) else {
            throw APIError.notFound(what)
        }
        return id.uuidString.lowercased()
    }

    /// The name-like id in path parameter `name` (`summarize`, `crm.fetch-v2`: 1 to 100 ASCII
    /// letters, digits, `.`, `_` and `-`, starting with a letter or digit), or nil.
    public func identifier(_ name: String) -> String? {
        guard let text = get(name), Self.isIdentifier(text) else { return nil }
        return text
    }

    /// Whether `text` is a name-like id (see ``identifier(_:)``).
    public static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 100 else { return false }
        func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return isAlphanumeric(first) && text.unicodeScalars.allSatisfy { isAlphanumeric($0) || "._-".unicodeScalars.contains($0) }
    }

    /// A description of ``identifier(_:)``'s rule, for error messages.
    public static let identifierRule = "1 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit"
}

extension APIError {
    /// 404 for a resource that does not exist or belongs to another tenant (never 403, so ids
    /// of other tenants can't be probed).
    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not_found", "no such \(what)")
    }
}
