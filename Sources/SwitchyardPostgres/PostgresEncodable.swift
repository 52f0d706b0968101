// Swift values as query parameters: their PostgreSQL type and text form, NULL as no text.

public import Foundation

/// A value that can be sent as a query parameter (`$1`, `$2`, ...).
///
/// Parameters travel separately from the SQL text, in PostgreSQL's text format, so a value is
/// never spliced into a statement. SQL `NULL` is a value with no text: `Optional.none` of any
/// encodable type, which the server still sees as that type.
///
/// ```swift
/// try await connection.query("SELECT $1::text, $2", ["x", Int?.none])
/// ```
public protocol PostgresEncodable: Sendable {
    /// The type the server should read the parameter as; ``PostgresDataType/unknown`` lets the
    /// server infer it from the statement.
    static var postgresType: PostgresDataType { get }

    /// The value in PostgreSQL's text format, or `nil` for SQL `NULL`.
    var postgresText: String? { get }
}

/// Sent untyped, so the server reads it as whatever the statement needs (`text`, `uuid`,
/// `jsonb`, an enum, ...).
extension String: PostgresEncodable {
    /// ``PostgresDataType/unknown``: the server infers the type.
    public static var postgresType: PostgresDataType { .unknown }
    /// The string itself.
    public var postgresText: String? { self }
}

/// Sent as `int8`.
extension Int: PostgresEncodable {
    /// ``PostgresDataType/int8``.
    public static var postgresType: PostgresDataType { .int8 }
    /// The decimal digits.
    public var postgresText: String? { String(self) }
}

/// Sent as `int4`.
extension Int32: PostgresEncodable {
    /// ``PostgresDataType/int4``.
    public static var postgresType: PostgresDataType { .int4 }
    /// The decimal digits.
    public var postgresText: String? { String(self) }
}

/// Sent as `int8`.
extension Int64: PostgresEncodable {
    /// ``PostgresDataType/int8``.
    public static var postgresType: PostgresDataType { .int8 }
    /// The decimal digits.
    public var postgresText: String? { String(self) }
}

/// Sent as `bool`.
extension Bool: PostgresEncodable {
    /// ``PostgresDataType/bool``.
    public static var postgresType: PostgresDataType { .bool }
    /// `t` or `f`.
    public var postgresText: String? { self ? "t" : "f" }
}

/// Sent as `float8`.
extension Double: PostgresEncodable {
    /// ``PostgresDataType/float8``.
    public static var postgresType: PostgresDataType { .float8 }
    /// The shortest text that reads back as the same value; `Infinity`, `-Infinity`, `NaN`.
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return description
    }
}

/// Bytes, sent as `bytea`.
extension [UInt8]: PostgresEncodable {
    /// ``PostgresDataType/bytea``.
    public static var postgresType: PostgresDataType { .bytea }
    /// The hex form, as in `\x00ff`.
    public var postgresText: String? { PostgresHex.encode(self) }
}

/// Sent as `timestamptz`, in UTC with microseconds (PostgreSQL's precision).
extension Date: PostgresEncodable {
    /// ``PostgresDataType/timestamptz``.
    public static var postgresType: PostgresDataType { .timestamptz }
    /// ISO 8601 in UTC with a fraction, as in `2024-05-06T07:08:09.123456Z`.
    public var postgresText: String? { PostgresTimestamp.format(self) }
}

/// Sent as `uuid`.
extension UUID: PostgresEncodable {
    /// ``PostgresDataType/uuid``.
    public static var postgresType: PostgresDataType { .uuid }
    /// The canonical hyphenated form.
    public var postgresText: String? { uuidString }
}

/// `NULL` when `nil`, typed as the wrapped type so the server still knows what `$n` is.
extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    /// The wrapped type's type.
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    /// The wrapped value's text, or `nil` (SQL `NULL`).
    public var postgresText: String? { self?.postgresText }
}
