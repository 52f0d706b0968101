// A page of the automation API's lists, and the refusal of an unknown cursor.

import HTTPTypes
import SwitchyardAPI
import SwitchyardPostgres

/// One page of a list: the items' JSON and the cursor of the next page.
struct Page {
    var items: [String]
    var nextCursor: String?

    /// A page from rows of (JSON, id), fetched with `limit + 1` to know whether more follow.
    init(_ rows: PostgresRows, limit: Int) throws {
        let all = try rows.map { (json: try $0.decode(String.self, at: 0), id: try $0.decode(String.self, at: 1)) }
        let page = all.prefix(limit)
        items = page.map(\.json)
        nextCursor = all.count > limit ? page.last?.id : nil
    }

    /// `{"<name>":[...],"next_cursor":...}`.
    func json(_ name: String) -> String {
        "{\"\(name)\":[\(items.joined(separator: ","))],\"next_cursor\":\(nextCursor.map { "\"\($0)\"" } ?? "null")}"
    }
}

/// Why a list can't be given.
enum ListRefusal: Error {
    /// The cursor names nothing of the tenant's in this list.
    case unknownCursor
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
