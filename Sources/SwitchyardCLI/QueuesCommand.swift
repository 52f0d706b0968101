// `switchyard queues`: every queue of the topology with its depth, consumers and oldest message.

import ArgumentParser
import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardPostgres
import SwitchyardRuntime

/// The topology's queues as the broker sees them now. Depth and consumers come from a passive
/// declare (exact, always available); unacknowledged counts, the queue type and the age of the
/// oldest message come from the management API when it answers (the broker knows the age only
/// for queues that track it, not for quorum queues on RabbitMQ 3.10).
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues",
        abstract: "List the topology's queues: depth, consumers, oldest message, dead-letter backlog (and whether it stalled), quorum leader and members.")

    @Flag(help: "JSON instead of a table.")
    var json = false

    struct Row: Encodable {
        var name: String
        var type: String?
        var messages: Int
        var unacknowledged: Int?
        var consumers: Int
        var oldest_message_age_seconds: Int?
        /// A quorum queue's leader node and its members (every node holding a replica).
        var leader: String?
        var members: [String]?
        /// Messages an at-least-once dead-lettering queue has expired or rejected and not yet
        /// handed to its dead-letter exchange (a retry tier's waiting-to-move count).
        var messages_dlx: Int?
        /// Since when that backlog has not moved, as the `dead-letters` role's watch saw it (nil:
        /// not stalled, or no watch runs).
        var dead_letters_stalled_since: String?
        /// How often the watch tried to recover the stalled queue, and what it did last.
        var stall_recoveries: Int?
        var last_recovery: String?

        /// The row's table cells ("-" for what the management API did not say).
        var cells: [String] {
            let unacked: String = unacknowledged.map(String.init) ?? "-"
            let oldest: String = oldest_message_age_seconds.map { "\($0) s" } ?? "-"
            let dlx: String = messages_dlx.map(String.init) ?? "-"
            let memberCount: String = members.map { String($0.count) } ?? "-"
            let stalled: String = dead_letters_stalled_since.map { "since \($0), \(stall_recoveries ?? 0) recoveries" } ?? "-"
            return [name, type ?? "-", String(messages), unacked, String(consumers), oldest, dlx, leader ?? "-", memberCount, stalled]
        }
    }

    func run() async throws {
        let configuration = try SwitchyardConfiguration()
        let topology = try await loadTopology(configuration)
        let names = topology.definitions.queues.map(\.name).sorted()
        let connection = try await connect(configuration)
        var rows: [Row] = []
        do {
            let channel = try await connection.openChannel()
            for name in names {
                let state = try await channel.declareQueuePassive(name)
                rows.append(Row(name: name, messages: Int(state.messageCount), consumers: Int(state.consumerCount)))
            }
        } catch {
            await connection.close()
            throw CommandFailure(message: "a queue of the topology is missing on the broker (run `switchyard topology apply`): \(error)")
        }
        await connection.close()

        let http = HTTPClient()
        let details = try? await Self.managementDetails(configuration, http: http)
        await http.shutdown()
        let now = Date().timeIntervalSince1970
        for index in rows.indices {
            guard let detail = details?[rows[index].name] else { continue }
            rows[index].type = detail["type"]?.string
            rows[index].unacknowledged = detail["messages_unacknowledged"]?.integer.map(Int.init)
            if let head = detail["head_message_timestamp"]?.integer, head > 0 {
                rows[index].oldest_message_age_seconds = max(0, Int(now) - Int(head))
            }
            rows[index].leader = detail["leader"]?.string
            if case .array(let members)? = detail["members"] { rows[index].members = members.compactMap(\.string) }
            rows[index].messages_dlx = detail["messages_dlx"]?.integer.map(Int.init)
        }
        for stall in (try? await Self.stalls(configuration)) ?? [] {
            guard let index = rows.firstIndex(where: { $0.name == stall.queue }) else { continue }
            rows[index].dead_letters_stalled_since = stall.stalledSince.formatted(.iso8601)
            rows[index].stall_recoveries = stall.recoveries
            rows[index].last_recovery = stall.lastRecovery
        }
        if json {
            try printJSON(["queues": rows])
            return
        }
        printTable([["QUEUE", "TYPE", "MESSAGES", "UNACKED", "CONSUMERS", "OLDEST", "DLX", "LEADER", "MEMBERS", "DLX STALLED"]]
            + rows.map(\.cells))
        if details == nil { print("(the management API did not answer: types, unacknowledged counts and ages unknown)") }
    }

    /// The stalled dead-letter backlogs the `dead-letters` role's watch has recorded.
    static func stalls(_ configuration: SwitchyardConfiguration) async throws -> [DeadLetterStallStore.Record] {
        let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 1))
        do {
            let stalls = try await DeadLetterStallStore(pool: pool).current(vhost: configuration.amqp.virtualHost)
            await pool.close()
            return stalls
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Per queue name, the management API's view of the virtual host's queues.
    static func managementDetails(_ configuration: SwitchyardConfiguration, http: HTTPClient) async throws -> [String: JSONValue] {
        let management = RabbitMQManagement(baseURLs: configuration.managementURLs, http: http)
        let vhost = RabbitMQManagement.encode(configuration.amqp.virtualHost)
        let response = try await management.request(
            .get, "/api/queues/\(vhost)?columns=name,type,messages,messages_unacknowledged,consumers,head_message_timestamp,leader,members,messages_dlx")
        guard case .array(let queues) = try JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else { return [:] }
        return Dictionary(queues.compactMap { queue in queue["name"]?.string.map { ($0, queue) } }) { first, _ in first }
    }
}
