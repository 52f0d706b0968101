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
}

extension APIError {
    /// 404 for a resource that does not exist or belongs to another tenant (never 403, so ids
    /// of other tenants can't be probed).
    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not_found", "no such \(what)")
    }
}
