// The on-disk shape of topology/switchyard.yaml, decoded as written.

import SwitchyardCore

/// The topology file as written (see `topology/switchyard.yaml`); ``Topology`` is what it means.
struct TopologyFile: Decodable {
    struct Exchanges: Decodable {
        var events: String
        var retry: String
        var requeue: String
        var dead: String
    }

    struct Lane: Decodable {
        var name: String
        var exchange: String
        var queue: String
    }

    struct WorkQueues: Decodable {
        var arguments: [String: JSONValue]
    }

    struct Retry: Decodable {
        var header: String
        var queue: String
        var tiers: [String]
        var arguments: [String: JSONValue]
    }

    struct DeadLetters: Decodable {
        var queue: String
        var arguments: [String: JSONValue]
    }

    struct Role: Decodable {
        var events: [String]
        var maxAttempts: Int
        var handlerTimeout: String?
        var arguments: [String: JSONValue]?

        enum CodingKeys: String, CodingKey {
            case events, arguments
            case maxAttempts = "max_attempts"
            case handlerTimeout = "handler_timeout"
        }
    }

    var version: Int
    var exchanges: Exchanges
    var lanes: [Lane]
    var workQueues: WorkQueues
    var retry: Retry
    var deadLetters: DeadLetters
    var roles: [String: Role]

    enum CodingKeys: String, CodingKey {
        case version, exchanges, lanes, retry, roles
        case workQueues = "work_queues"
        case deadLetters = "dead_letters"
    }
}
