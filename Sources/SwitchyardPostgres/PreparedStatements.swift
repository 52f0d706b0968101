// Which statements a connection has prepared, so a query is parsed and planned once, not on
// every execution.

import CSwitchyardPostgres

/// The named prepared statements of one connection, by SQL text and parameter types.
///
/// The first execution of a statement prepares it (`PQprepare`), later ones execute it by name
/// (`PQexecPrepared`), so the server parses it once and can keep a generic plan. At most
/// ``capacity`` statements are prepared per connection; statements beyond run unprepared, so
/// SQL built at run time can't grow the server's memory without bound.
struct PreparedStatements {
    /// A statement as prepared: its text and the types of its parameters.
    struct Key: Hashable {
        var sql: String
        var types: [Oid]
    }

    /// The most statements prepared on one connection.
    static let capacity = 256
    /// `cached plan must not change result type`: a table under a cached plan changed.
    static let invalidatedState = "0A000"

    private var names: [Key: String] = [:]
    private var next = 0

    /// The name `key` was prepared under.
    func name(for key: Key) -> String? {
        names[key]
    }

    /// A fresh name, or nil when the connection has prepared ``capacity`` statements.
    mutating func reserveName() -> String? {
        guard names.count < Self.capacity else { return nil }
        next += 1
        return "sy_\(next)"
    }

    /// Records that `key` is prepared as `name`.
    mutating func remember(_ key: Key, as name: String) {
        names[key] = name
    }

    /// Forgets `key`: the next execution prepares it under a new name.
    mutating func forget(_ key: Key) {
        names[key] = nil
    }
}
