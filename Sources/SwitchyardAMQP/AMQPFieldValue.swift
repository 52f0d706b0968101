// AMQP field values and tables: message headers and declare arguments.

/// An AMQP field table: message headers, queue and exchange arguments.
public typealias AMQPTable = [String: AMQPFieldValue]

/// One value in an AMQP field table, with its wire type.
public indirect enum AMQPFieldValue: Sendable, Hashable {
    case bool(Bool)
    case int8(Int8)
    case uint8(UInt8)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case float(Float)
    case double(Double)
    /// A decimal: `value` × 10^-`scale`.
    case decimal(scale: UInt8, value: UInt32)
    case string(String)
    case bytes([UInt8])
    /// Seconds since the Unix epoch.
    case timestamp(UInt64)
    case array([AMQPFieldValue])
    case table(AMQPTable)
    case void

    /// How deep the tables and arrays of a received message's headers may nest (the headers
    /// themselves are level 1). A publisher can nest them thousands of levels deep within one
    /// frame, deeper than any recursive reader of them (copying, JSON, describing,
    /// republishing) has stack for; what lies deeper arrives as ``cutOff``.
    public static let maximumDepth = 32

    /// What a received table or array nested deeper than ``maximumDepth`` arrives as.
    public static let cutOff = AMQPFieldValue.string("(nested deeper than \(maximumDepth) levels: left out)")

    /// The value as a signed integer, when it is one of the integer kinds and fits.
    public var intValue: Int? {
        switch self {
        case .int8(let v): Int(v)
        case .uint8(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int64(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .timestamp(let v): Int(exactly: v)
        default: nil
        }
    }

    /// The value as text, when it is a string (or UTF-8 bytes).
    public var stringValue: String? {
        switch self {
        case .string(let v): v
        case .bytes(let v): String(validating: v, as: UTF8.self)
        default: nil
        }
    }
}

extension AMQPFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals become 64-bit signed values (`l`), as RabbitMQ's own tools send them.
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
