// One result row and its typed decoding, with errors that name the column and the types.

/// One row of ``PostgresRows``; read its values with `decode`.
///
/// ```swift
/// let id = try row.decode(UUID.self, at: 0)
/// let revokedAt = try row.decode(Date?.self, column: "revoked_at")
/// ```
public struct PostgresRow: Sendable {
    /// The result's columns, in order.
    public let columns: [PostgresColumn]
    /// The values in PostgreSQL's text format; `nil` is `NULL`.
    @usableFromInline let values: [String?]

    init(columns: [PostgresColumn], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// Decodes the value of the column at `index`.
    /// - Parameters:
    ///   - type: The Swift type to decode; use an `Optional` where the value may be `NULL`.
    ///   - index: The column's position, from 0.
    /// - Throws: ``PostgresError`` with code ``PostgresError/Code/decoding`` when there is no
    ///   such column or its value is not a `T`; the message names the column, `T`, and the
    ///   value and type found.
    ///
    /// `@inlinable`, so each caller gets a copy specialized to its `T` (unspecialized, each
    /// call looked up `Optional<T>`'s metadata at run time).
    @inlinable
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard values.indices.contains(index) else { throw missingColumn(at: index) }
        if let text = values[index] {
            if let value = T(postgresText: text, type: columns[index].type) { return value }
        } else if let null = T.postgresNull {
            return null
        }
        throw decodingFailure(at: index, as: T.self)
    }

    /// The error for an index past the last column.
    @usableFromInline
    func missingColumn(at index: Int) -> PostgresError {
        PostgresError(.decoding, "no column at index \(index); the row has \(values.count) columns")
    }

    /// The error for the value at `index` that is not a `type`: names the column, the type and
    /// the value found. Not generic, so ``decode(_:at:)``'s specialized copies stay small.
    @usableFromInline
    func decodingFailure(at index: Int, as type: any PostgresDecodable.Type) -> PostgresError {
        let column = columns[index]
        let found = values[index].map { "\(column.type) value \(Self.excerpt(of: $0))" } ?? "NULL"
        return PostgresError(
            .decoding,
            "column \"\(column.name)\" (index \(index)): cannot decode \(found) as \(type)"
        )
    }

    /// Decodes the value of the first column called `name`.
    /// - Parameters:
    ///   - type: The Swift type to decode; use an `Optional` where the value may be `NULL`.
    ///   - name: The column's name, as the result gives it.
    /// - Throws: ``PostgresError`` with code ``PostgresError/Code/decoding`` when there is no
    ///   such column or its value is not a `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column name: String) throws -> T {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            let names = columns.map(\.name).joined(separator: ", ")
            throw PostgresError(.decoding, "no column named \"\(name)\"; the columns are: \(names)")
        }
        return try decode(type, at: index)
    }

    /// The text quoted, shortened to 64 characters.
    private static func excerpt(of text: String) -> String {
        text.count > 64 ? "\"\(text.prefix(64))…\"" : "\"\(text)\""
    }
}
