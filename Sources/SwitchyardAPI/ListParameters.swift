// `?limit=&cursor=&status=` of the APIs' keyset-paged lists.

import Foundation
public import Hummingbird

/// A list's query parameters, checked: `limit` 1...100 (default 20), `cursor` a `next_cursor`
/// from an earlier page (a UUID), `status` one of the allowed values.
public struct ListParameters: Sendable {
    /// The page size when `limit` is absent.
    public static let defaultLimit = 20
    /// The largest page.
    public static let maxLimit = 100

    /// The page size.
    public var limit = defaultLimit
    /// The id of the last item of the previous page, lower-cased.
    public var cursor: String?
    /// The status asked for, one of the allowed values.
    public var status: String?

    /// Reads the parameters of `request`; `statuses` are the allowed `status` values (none: no filter).
    /// - Throws: ``APIError`` 400 `invalid_parameter` naming the parameter.
    public init(_ request: Request, statuses: [String] = []) throws(APIError) {
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
