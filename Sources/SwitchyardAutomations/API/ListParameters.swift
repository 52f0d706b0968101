// `?limit=&cursor=&status=` of the automation API's lists.

import Hummingbird
import Foundation
import SwitchyardAPI

/// A list's query parameters, checked: `limit` 1...100 (default 20), `cursor` a `next_cursor`
/// from an earlier page, `status` one of the allowed values.
struct ListParameters {
    static let defaultLimit = 20
    static let maxLimit = 100

    var limit = defaultLimit
    var cursor: String?
    var status: String?

    /// Reads the parameters of `request`; `statuses` are the allowed `status` values (none: no filter).
    /// - Throws: ``APIError`` 400 `invalid_parameter` naming the parameter.
    init(_ request: Request, statuses: [String] = []) throws(APIError) {
        let query = request.uri.queryParameters
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), (1...Self.maxLimit).contains(value) else {
                throw APIError(.badRequest, "invalid_parameter", "expected an integer 1...\(Self.maxLimit), got '\(text.prefix(40))'", field: "limit")
            }
            limit = value
        }
        if let text = query["cursor"].map(String.init) {
            guard let id = UUID(uuidString: text) else {
                throw APIError(.badRequest, "invalid_parameter", "expected a next_cursor from an earlier page", field: "cursor")
            }
            cursor = id.uuidString.lowercased()
        }
        if !statuses.isEmpty, let text = query["status"].map(String.init) {
            guard statuses.contains(text) else {
                throw APIError(.badRequest, "invalid_parameter",
                               "expected one of \(statuses.joined(separator: ", ")), got '\(text.prefix(40))'", field: "status")
            }
            status = text
        }
    }
}

extension ListRefusal {
    /// What `body` returns, with an unknown cursor answered 400.
    static func answered<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch ListRefusal.unknownCursor {
            throw APIError(.badRequest, "invalid_parameter", "nothing in this list has this id; pass next_cursor from an earlier page",
                           field: "cursor")
        }
    }
}
