// What the broker says about the topology's queues and who consumes them, from its management
// API: depths, rates, the last hour's depth samples, consumers.

public import Foundation
public import Switchyard
import SwitchyardCore
public import SwitchyardHTTP

/// One queue of the topology as the broker sees it.
public struct QueueStatus: Sendable, Equatable {
    /// The queue's name.
    public var name: String
    /// `quorum` or `classic`.
    public var type: String?
    /// Messages ready for delivery.
    public var ready: Int?
    /// Messages delivered and not yet acknowledged.
    public var unacknowledged: Int?
    /// Consumers subscribed.
    public var consumers: Int?
    /// Seconds since the oldest message was published, where the broker tracks it.
    public var oldestMessageAge: Int?
    /// Messages published to it per second (recent average).
    public var publishRate: Double?
    /// Messages delivered from it per second.
    public var deliverRate: Double?
    /// Its depth over the last hour, oldest first, one sample a minute.
    public var depthHistory: [Int]
}

/// A consumer subscribed to a queue of the virtual host: a worker.
public struct ConsumerStatus: Sendable, Equatable {
    /// The queue it consumes.
    public var queue: String
    /// Its consumer tag.
    public var tag: String
    /// The worker's host and port as the broker sees the connection.
    public var peer: String
    /// The connection's name (the worker sets it to its role and host).
    public var connectionName: String?
    /// How many deliveries it may hold unacknowledged.
    public var prefetch: Int?
}

/// The broker's side of the overview, or why it could not be read.
public enum BrokerOverview: Sendable, Equatable {
    /// What the management API answered.
    case reachable(queues: [QueueStatus], consumers: [ConsumerStatus])
    /// The management API did not answer; the text says how.
    case unreachable(String)

    /// Reads the overview of `topology`'s queues.
    public static func read(topology: Topology, virtualHost: String, managementURLs: [URL], http: HTTPClient) async -> BrokerOverview {
        let management = RabbitMQManagement(baseURLs: managementURLs, http: http)
        let vhost = RabbitMQManagement.encode(virtualHost)
        do {
            let queues = try await json(management.request(.get, "/api/queues/\(vhost)?lengths_age=3600&lengths_incr=60"))
            let consumers = try await json(management.request(.get, "/api/consumers/\(vhost)"))
            let byName = Dictionary((queues.array ?? []).compactMap { queue in queue["name"]?.string.map { ($0, queue) } }) { first, _ in first }
            let now = Int(Date().timeIntervalSince1970)
            let statuses = topology.definitions.queues.map(\.name).sorted().map { name in
                status(of: name, byName[name], now: now)
            }
            let workers = (consumers.array ?? []).compactMap(consumer(from:)).sorted { ($0.queue, $0.tag) < ($1.queue, $1.tag) }
            return .reachable(queues: statuses, consumers: workers)
        } catch {
            return .unreachable("\(error)")
        }
    }

    private static func json(_ response: HTTPResponse) throws -> JSONValue {
        try JSONValue(parsing: response.body)
    }

    private static func status(of name: String, _ queue: JSONValue?, now: Int) -> QueueStatus {
        guard let queue else {
            return QueueStatus(name: name, depthHistory: [])
        }
        let head = queue["head_message_timestamp"]?.integer.flatMap { $0 > 0 ? Int($0) : nil }
        let samples = (queue["messages_details"]?["samples"]?.array ?? []).compactMap { $0["sample"]?.integer.map(Int.init) }
        return QueueStatus(
            name: name, type: queue["type"]?.string, ready: queue["messages_ready"]?.integer.map(Int.init),
            unacknowledged: queue["messages_unacknowledged"]?.integer.map(Int.init), consumers: queue["consumers"]?.integer.map(Int.init),
            oldestMessageAge: head.map { max(0, now - $0) },
            publishRate: rate(queue["message_stats"]?["publish_details"]),
            deliverRate: rate(queue["message_stats"]?["deliver_get_details"]),
            // The API gives samples newest first.
            depthHistory: samples.reversed())
    }

    private static func rate(_ details: JSONValue?) -> Double? {
        switch details?["rate"] {
        case .double(let value)?: value
        case .int(let value)?: Double(value)
        default: nil
        }
    }

    private static func consumer(from value: JSONValue) -> ConsumerStatus? {
        guard let queue = value["queue"]?["name"]?.string, let tag = value["consumer_tag"]?.string else { return nil }
        let channel = value["channel_details"]
        let host = channel?["peer_host"]?.string ?? "?"
        let port = channel?["peer_port"]?.integer.map { ":\($0)" } ?? ""
        return ConsumerStatus(
            queue: queue, tag: tag, peer: host + port, connectionName: channel?["connection_name"]?.string,
            prefetch: value["prefetch_count"]?.integer.map(Int.init))
    }
}
