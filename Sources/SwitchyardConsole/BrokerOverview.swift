// What the broker says about the topology's queues and who consumes them, from its management
// API: depths, rates, the last hour's depth samples, consumers.

public import Foundation
public import Switchyard
import SwitchyardCore
public import SwitchyardHTTP
public import SwitchyardAMQP

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
    /// The connection's name: the one its client gave (a worker: its roles, host and pid), else
    /// the broker's.
    public var connectionName: String?
    /// How many deliveries it may hold unacknowledged.
    public var prefetch: Int?
}

/// The broker's side of the overview. Depths and consumer counts come from passive declares
/// over AMQP (exact, always available while the broker is); unacknowledged counts, rates, the
/// last hour's samples and the consumers themselves from the management API when it answers.
public struct BrokerOverview: Sendable, Equatable {
    /// Every queue of the topology, by name.
    public var queues: [QueueStatus]
    /// The consumers subscribed (nil when the management API did not answer).
    public var consumers: [ConsumerStatus]?
    /// Why the management API gave nothing, if it didn't.
    public var managementProblem: String?
    /// Why the broker could not be reached over AMQP, if it couldn't.
    public var amqpProblem: String?

    /// Neither AMQP nor the management API answered.
    public var isUnreachable: Bool { managementProblem != nil && amqpProblem != nil }

    /// Reads the overview of `topology`'s queues.
    public static func read(
        topology: Topology, amqp: AMQPConnection.Configuration, managementURLs: [URL], http: HTTPClient
    ) async -> BrokerOverview {
        let names = topology.definitions.queues.map(\.name).sorted()
        async let declared = declare(names, amqp: amqp)
        async let managed = manage(virtualHost: amqp.virtualHost, managementURLs: managementURLs, http: http)
        let (counts, management) = await (declared, managed)
        let now = Int(Date().timeIntervalSince1970)
        var overview = BrokerOverview(queues: [], consumers: nil)
        if case .failure(let error) = counts { overview.amqpProblem = "\(error)" }
        switch management {
        case .success(let answer): overview.consumers = answer.consumers
        case .failure(let error): overview.managementProblem = "\(error)"
        }
        let byName = (try? management.get().queues) ?? [:]
        let exact = (try? counts.get()) ?? [:]
        overview.queues = names.map { name in
            var queue = status(of: name, byName[name], now: now)
            if let (ready, consumers) = exact[name] {
                queue.ready = ready
                queue.consumers = consumers
            }
            return queue
        }
        return overview
    }

    /// Ready messages and consumers of each queue, by passive declares on one connection.
    private static func declare(_ names: [String], amqp: AMQPConnection.Configuration) async -> Result<[String: (Int, Int)], any Error> {
        var configuration = amqp
        configuration.connectionName = "switchyard console"
        let connection: AMQPConnection
        do {
            connection = try await AMQPConnection.connect(configuration)
        } catch {
            return .failure(error)
        }
        var counts: [String: (Int, Int)] = [:]
        do {
            var channel = try await connection.openChannel()
            for name in names {
                do {
                    let state = try await channel.declareQueuePassive(name)
                    counts[name] = (Int(state.messageCount), Int(state.consumerCount))
                } catch {
                    // A missing queue closes the channel; the others are still read.
                    channel = try await connection.openChannel()
                }
            }
        } catch {
            await connection.close()
            return .failure(error)
        }
        await connection.close()
        return .success(counts)
    }

    /// The management API's queues by name, and the consumers.
    private static func manage(
        virtualHost: String, managementURLs: [URL], http: HTTPClient
    ) async -> Result<(queues: [String: JSONValue], consumers: [ConsumerStatus]), any Error> {
        let management = RabbitMQManagement(baseURLs: managementURLs, http: http)
        let vhost = RabbitMQManagement.encode(virtualHost)
        do {
            let queues = try await json(management.request(.get, "/api/queues/\(vhost)?lengths_age=3600&lengths_incr=60"))
            let consumers = try await json(management.request(.get, "/api/consumers/\(vhost)"))
            let connections = try await json(management.request(.get, "/api/vhosts/\(vhost)/connections"))
            // The broker names a connection by its addresses; clients give it a name of their own.
            let givenNames = Dictionary((connections.array ?? []).compactMap { connection -> (String, String)? in
                guard let name = connection["name"]?.string,
                      let given = connection["user_provided_name"]?.string ?? connection["client_properties"]?["connection_name"]?.string
                else { return nil }
                return (name, given)
            }) { first, _ in first }
            let byName = Dictionary((queues.array ?? []).compactMap { queue in queue["name"]?.string.map { ($0, queue) } }) { first, _ in first }
            let workers = (consumers.array ?? []).compactMap { consumer(from: $0, givenNames: givenNames) }
                .sorted { ($0.connectionName ?? "", $0.queue, $0.tag) < ($1.connectionName ?? "", $1.queue, $1.tag) }
            return .success((byName, workers))
        } catch {
            return .failure(error)
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

    private static func consumer(from value: JSONValue, givenNames: [String: String]) -> ConsumerStatus? {
        guard let queue = value["queue"]?["name"]?.string, let tag = value["consumer_tag"]?.string else { return nil }
        let channel = value["channel_details"]
        let host = channel?["peer_host"]?.string ?? "?"
        let port = channel?["peer_port"]?.integer.map { ":\($0)" } ?? ""
        return ConsumerStatus(
            queue: queue, tag: tag, peer: host + port,
            connectionName: channel?["connection_name"]?.string.map { givenNames[$0] ?? $0 },
            prefetch: value["prefetch_count"]?.integer.map(Int.init))
    }
}
