// Column values as Swift values: which PostgreSQL types each Swift type accepts, and how its
// text form is read.

public import Foundation

/// A type a result column can be decoded as, with ``PostgresRow/decode(_:at:)``.
///
/// Each conforming type accepts the PostgreSQL types that hold its values (an `Int` reads
/// `int2`, `int4` and `int8`, not `text`), so a query that returns something unexpected fails
/// with a ``PostgresError`` naming the column instead of being read loosely. SQL `NULL` decodes
/// only as an `Optional`.
public protocol PostgresDecodable: Sendable {
    /// Reads a value from its text form.
    /// - Parameters:
    ///   - text: The column's value in PostgreSQL's text format (never `NULL`).
    ///   - type: The column's type.
    /// - Returns: `nil` when `type` is not one this Swift type accepts or `text` is malformed.
    init?(postgresText text: String, type: PostgresDataType)

    /// The value SQL `NULL` decodes as, or `nil` when this type has none (then `NULL` is a
    /// decoding error). Only `Optional` has one.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    /// No value for `NULL`: decoding `NULL` as this type is an error.
    public static var postgresNull: Self? { nil }
}

/// Reads any column, in its text form.
extension String: PostgresDecodable {
    /// Takes the text as it is, whatever the column's type.
    public init?(postgresText text: String, type: PostgresDataType) {
        self = text
    }
}

/// Reads `int2`, `int4` and `int8`.
extension Int: PostgresDecodable {
    /// Parses the decimal digits of an integer column.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard PostgresDataType.integers.contains(type) else { return nil }
        self.init(text)
    }
}

/// Reads `int2`, `int4`, and `int8` values that fit.
extension Int32: PostgresDecodable {
    /// Parses the decimal digits of an integer column; `nil` when the value does not fit.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard PostgresDataType.integers.contains(type) else { return nil }
        self.init(text)
    }
}

/// Reads `int2`, `int4` and `int8`.
extension Int64: PostgresDecodable {
    /// Parses the decimal digits of an integer column.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard PostgresDataType.integers.contains(type) else { return nil }
        self.init(text)
    }
}

/// Reads `bool` (`t` / `f`).
extension Bool: PostgresDecodable {
    /// `true` for `t`, `false` for `f`.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard type == .bool else { return nil }
        switch text {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

/// Reads `float4`, `float8`, `numeric` and the integer types.
extension Double: PostgresDecodable {
    /// Parses the number, including `Infinity`, `-Infinity` and `NaN`.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard [.float4, .float8, .numeric].contains(type) || PostgresDataType.integers.contains(type)
        else { return nil }
        self.init(text)
    }
}

/// Reads `bytea`.
extension [UInt8]: PostgresDecodable {
    /// Decodes the hex form (`\x00ff`).
    public init?(postgresText text: String, type: PostgresDataType) {
        guard type == .bytea, let bytes = PostgresHex.decode(text) else { return nil }
        self = bytes
    }
}

/// Reads `timestamptz`, and `timestamp` as UTC.
extension Date: PostgresDecodable {
    /// Parses the ISO `DateStyle` output every ``PostgresConnection`` sets up.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard type == .timestamptz || type == .timestamp,
              let date = PostgresTimestamp.parse(text)
        else { return nil }
        self = date
    }
}

/// Reads `uuid`.
extension UUID: PostgresDecodable {
    /// Parses the hyphenated form.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard type == .uuid else { return nil }
        self.init(uuidString: text)
    }
}

/// Reads what `Wrapped` reads, and `NULL` as `nil`.
extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// Decodes a non-`NULL` value as `Wrapped`.
    public init?(postgresText text: String, type: PostgresDataType) {
        guard let value = Wrapped(postgresText: text, type: type) else { return nil }
        self = .some(value)
    }

    /// `NULL` is `nil`.
    public static var postgresNull: Self? { .some(.none) }
}

extension PostgresDataType {
    /// The types an integer column can have.
    static let integers: Set<PostgresDataType> = [.int2, .int4, .int8]
}
