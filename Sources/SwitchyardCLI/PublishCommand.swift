// `switchyard publish TYPE --data JSON|@file`: publish one event to sy.events with confirms.

import ArgumentParser
import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardConcurrency
import SwitchyardCore

/// Publishes one event, for producers and operators.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish one event to the events exchange and wait for the broker's confirm.")

    @Argument(help: "The event type, also the routing key (e.g. probe.run).")
    var type: String

    @Option(help: "The JSON body, or @path to read it from a file (@- from standard input).")
    var data: String

    @Option(name: .customLong("message-id"), help: "The message id (default: a new UUID).")
    var messageID: String?

    @Option(name: .customLong("correlation-id"), help: "The correlation id (job or project).")
    var correlationID: String?

    @Option(help: "The owning tenant's id (sy-tenant).")
    var tenant: String?

    @Option(help: "W3C trace context (00-<32 hex>-<16 hex>-<2 hex>); follow-up events carry it on.")
    var traceparent: String?

    @Flag(help: "Publish to the high-priority lane.")
    var high = false

    func validate() throws {
        if let traceparent, !Traceparent.isValid(traceparent) {
            throw ValidationError("--traceparent: expected 00-<32 hex>-<16 hex>-<2 hex>, got '\(traceparent)'")
        }
        try Self.checkShortText(type, name: "<type>")
        if let messageID { try Self.checkShortText(messageID, name: "--message-id") }
        if let correlationID { try Self.checkShortText(correlationID, name: "--correlation-id") }
        if let tenant, UUID(uuidString: tenant) == nil {
            throw ValidationError("--tenant: expected a tenant id (UUID), got '\(tenant.prefix(100))'")
        }
    }

    /// Refuses what an AMQP short string can't carry and what a worker would refuse to key its
    /// inbox or route by (empty, control characters).
    private static func checkShortText(_ text: String, name: String) throws {
        let bytes = text.utf8.count
        let limit = AMQPOutgoingMessage.shortStringLimit
        guard (1...limit).contains(bytes), !text.hasControlCharacters else {
            throw ValidationError("\(name): expected 1-\(limit) bytes without control characters, got \(bytes) bytes")
        }
    }

    func run() async throws {
        let configuration = try SwitchyardConfiguration()
        let body = try await readBody(limit: configuration.amqp.messageLimit)
        let topology = try await loadTopology(configuration)
        let exchange = high ? (topology.lanes.first?.exchange ?? topology.eventsExchange) : topology.eventsExchange
        let event = OutgoingEvent(
            type: type, body: body, messageID: messageID ?? UUID().uuidString.lowercased(),
            correlationID: correlationID, tenantID: tenant, traceparent: traceparent)
        let connection = try await connect(configuration)
        do {
            let channel = try await connection.openChannel(confirms: true)
            try await channel.publish(event.message(exchange: exchange, appID: "switchyard-cli"))
        } catch let error as AMQPError where error.code == .unroutable {
            await connection.close()
            throw CommandFailure(message: Self.unroutableMessage(type: type, exchange: exchange, topology: topology), exitCode: 2)
        } catch {
            await connection.close()
            throw CommandFailure(message: "publishing failed: \(error)")
        }
        await connection.close()
        print(event.messageID)
    }

    /// Why the broker returned an event (it is mandatory, so nothing was delivered): the type is
    /// the command's input, so this is a usage error. The broker is the authority on routing (a
    /// binding made outside the topology routes too); the topology's patterns for the exchange
    /// are named to show what it was meant to route, and when one of them matches, the topology
    /// is not applied on this broker.
    private static func unroutableMessage(type: String, exchange: String, topology: Topology) -> String {
        let patterns = Set(topology.definitions.bindings.filter { $0.source == exchange }.map(\.routingKey)).sorted()
        if patterns.contains(where: { Topology.topic($0, matches: type) }) {
            return "<type>: no queue on the broker takes '\(type)' on \(exchange), though the topology binds it (is the topology applied? `switchyard topology apply`)"
        }
        return "<type>: no queue takes '\(type)' on \(exchange); the topology routes \(patterns.joined(separator: ", "))"
    }

    /// The body from `--data`, checked to be JSON no larger than the message limit.
    private func readBody(limit: Int) async throws -> [UInt8] {
        let bytes: [UInt8]
        if data.hasPrefix("@") {
            let path = String(data.dropFirst())
            // Blocking reads: on a thread of their own, not the cooperative pool.
            let read = await NamedThread.result(name: "sy-publish-body") {
                Result { () throws(InputFileError) in try InputFile.read(path, limit: limit) }
            }
            do {
                bytes = try read.get()
            } catch {
                let limitNote = if case .tooLarge = error.reason { " (SWITCHYARD_MESSAGE_LIMIT)" } else { "" }
                throw ValidationError("--data: cannot read the body: \(error)\(limitNote)")
            }
        } else {
            bytes = Array(data.utf8)
            guard bytes.count <= limit else {
                throw ValidationError("--data: the body is \(bytes.count) bytes; messages hold at most \(limit) (SWITCHYARD_MESSAGE_LIMIT)")
            }
        }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw ValidationError("--data: not valid JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error))")
        }
        return bytes
    }
}
