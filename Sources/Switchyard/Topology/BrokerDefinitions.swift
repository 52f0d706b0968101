// Exchanges, queues and bindings in RabbitMQ's definitions format: what `topology export`
// prints and what `topology verify` reads back from the management API.

public import SwitchyardCore

/// A set of broker objects in RabbitMQ's definitions JSON format (the `exchanges`, `queues` and
/// `bindings` of `rabbitmqctl export_definitions` and `GET /api/definitions/{vhost}`).
public struct BrokerDefinitions: Codable, Sendable, Equatable {
    /// An exchange.
    public struct Exchange: Codable, Sendable, Equatable {
        public var name: String
        /// The virtual host (absent in the per-vhost definitions the management API returns).
        public var vhost: String?
        public var type: String
        public var durable: Bool
        public var autoDelete: Bool
        public var `internal`: Bool
        public var arguments: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case name, vhost, type, durable, `internal`, arguments
            case autoDelete = "auto_delete"
        }
    }

    /// A queue.
    public struct Queue: Codable, Sendable, Equatable {
        public var name: String
        /// The virtual host (absent in the per-vhost definitions the management API returns).
        public var vhost: String?
        public var durable: Bool
        public var autoDelete: Bool
        public var arguments: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case name, vhost, durable, arguments
            case autoDelete = "auto_delete"
        }

        /// The queue type (`x-queue-type`; a queue declared without it is classic).
        public var type: String { arguments["x-queue-type"]?.description ?? "classic" }
    }

    /// A binding of a queue to an exchange.
    public struct Binding: Codable, Sendable, Equatable {
        public var source: String
        /// The virtual host (absent in the per-vhost definitions the management API returns).
        public var vhost: String?
        public var destination: String
        public var destinationType: String
        public var routingKey: String
        public var arguments: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case source, vhost, destination, arguments
            case destinationType = "destination_type"
            case routingKey = "routing_key"
        }
    }

    public var exchanges: [Exchange]
    public var queues: [Queue]
    public var bindings: [Binding]

    /// Creates a set of definitions.
    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exchanges = try container.decodeIfPresent([Exchange].self, forKey: .exchanges) ?? []
        queues = try container.decodeIfPresent([Queue].self, forKey: .queues) ?? []
        bindings = try container.decodeIfPresent([Binding].self, forKey: .bindings) ?? []
    }
}
