// JSON values as AMQP field values: topology arguments as a declare sends them.

public import SwitchyardAMQP
public import SwitchyardCore

extension JSONValue {
    /// The AMQP field value a declare sends for this value (integers as 64-bit `l`, as
    /// RabbitMQ's own tools send them).
    public var amqpValue: AMQPFieldValue {
        switch self {
        case .null: .void
        case .bool(let value): .bool(value)
        case .int(let value): .int64(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .array(let values): .array(values.map(\.amqpValue))
        case .object(let values): .table(values.mapValues(\.amqpValue))
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The arguments as an AMQP field table.
    public var amqpTable: AMQPTable { mapValues(\.amqpValue) }
}
