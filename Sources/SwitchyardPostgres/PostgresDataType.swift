// PostgreSQL type OIDs: what a parameter is sent as and what a result column holds.

/// A PostgreSQL data type, identified by its OID (`pg_type.oid`).
///
/// Parameters carry one so the server reads `$1` as the intended type; result columns carry
/// one so decoding can check that a column holds what the caller asked for.
public struct PostgresDataType: Sendable, Hashable, CustomStringConvertible {
    /// The type's OID.
    public let oid: UInt32

    /// Wraps an OID.
    /// - Parameter oid: The type's OID, as in `pg_type.oid`.
    public init(oid: UInt32) {
        self.oid = oid
    }

    /// No type given: the server infers the parameter's type from the statement.
    public static let unknown = PostgresDataType(oid: 0)
    /// `bool`.
    public static let bool = PostgresDataType(oid: 16)
    /// `bytea`.
    public static let bytea = PostgresDataType(oid: 17)
    /// `name`, the type of identifiers in the catalogs.
    public static let name = PostgresDataType(oid: 19)
    /// `int8` (`bigint`).
    public static let int8 = PostgresDataType(oid: 20)
    /// `int2` (`smallint`).
    public static let int2 = PostgresDataType(oid: 21)
    /// `int4` (`integer`).
    public static let int4 = PostgresDataType(oid: 23)
    /// `text`.
    public static let text = PostgresDataType(oid: 25)
    /// `oid`.
    public static let oidType = PostgresDataType(oid: 26)
    /// `json`.
    public static let json = PostgresDataType(oid: 114)
    /// `float4` (`real`).
    public static let float4 = PostgresDataType(oid: 700)
    /// `float8` (`double precision`).
    public static let float8 = PostgresDataType(oid: 701)
    /// `bpchar` (`char(n)`).
    public static let bpchar = PostgresDataType(oid: 1042)
    /// `varchar`.
    public static let varchar = PostgresDataType(oid: 1043)
    /// `timestamp` (without time zone).
    public static let timestamp = PostgresDataType(oid: 1114)
    /// `timestamptz` (`timestamp with time zone`).
    public static let timestamptz = PostgresDataType(oid: 1184)
    /// `numeric`.
    public static let numeric = PostgresDataType(oid: 1700)
    /// `uuid`.
    public static let uuid = PostgresDataType(oid: 2950)
    /// `jsonb`.
    public static let jsonb = PostgresDataType(oid: 3802)

    private static let names: [UInt32: String] = [
        0: "unknown", 16: "bool", 17: "bytea", 19: "name", 20: "int8", 21: "int2", 23: "int4",
        25: "text", 26: "oid", 114: "json", 700: "float4", 701: "float8", 1042: "bpchar",
        1043: "varchar", 1114: "timestamp", 1184: "timestamptz", 1700: "numeric", 2950: "uuid",
        3802: "jsonb",
    ]

    /// The type's name for the types listed here (`int4`), else `oid 1234`.
    public var description: String {
        Self.names[oid] ?? "oid \(oid)"
    }
}
