// A query's result, copied out of libpq's PGresult: its columns, its rows and its command tag.

import CSwitchyardPostgres

/// One column of a result: its name and PostgreSQL type.
public struct PostgresColumn: Sendable, Hashable {
    /// The column's name (its alias, if the query gave one).
    public let name: String
    /// The column's type.
    public let type: PostgresDataType

    /// Describes a column.
    /// - Parameters:
    ///   - name: The column's name.
    ///   - type: The column's type.
    public init(name: String, type: PostgresDataType) {
        self.name = name
        self.type = type
    }
}

/// The rows a statement returned, with their columns and the command tag.
///
/// All values are copied into Swift storage when the result arrives, so a `PostgresRows` is a
/// plain value: keep it, send it to other tasks, read it after the connection is gone.
///
/// ```swift
/// for row in try await connection.query("SELECT id, name FROM tenants") {
///     let name = try row.decode(String.self, column: "name")
/// }
/// ```
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// The result's columns, in order.
    public let columns: [PostgresColumn]
    /// The command tag, as in `INSERT 0 3` or `SELECT 1`.
    public let commandTag: String
    /// How many rows the statement inserted, updated, deleted, selected, ... (0 for statements
    /// that report none).
    public let affectedRows: Int
    private let rows: [PostgresRow]

    /// Copies everything out of a result whose status is `PGRES_TUPLES_OK` or
    /// `PGRES_COMMAND_OK`; the caller still owns (and clears) `result`.
    init(copying result: OpaquePointer) {
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { column in
            PostgresColumn(
                name: String(cString: PQfname(result, column)),
                type: PostgresDataType(oid: PQftype(result, column))
            )
        }
        self.columns = columns
        self.commandTag = String(cString: PQcmdStatus(result))
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
        self.rows = (0..<PQntuples(result)).map { row in
            PostgresRow(columns: columns, values: (0..<columnCount).map { column in
                guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column)
                else { return nil }
                let length = Int(PQgetlength(result, row, column))
                return String(decoding: UnsafeRawBufferPointer(start: value, count: length), as: UTF8.self)
            })
        }
    }

    /// The position of the first row.
    public var startIndex: Int { rows.startIndex }
    /// The position after the last row.
    public var endIndex: Int { rows.endIndex }

    /// The row at `position`.
    public subscript(position: Int) -> PostgresRow { rows[position] }
}
