// Reading, validating and expanding the topology file.

import Foundation
import SwitchyardCore
import Yams

extension Topology {
    /// The largest topology file read (a real one is a few KiB).
    static let fileLimit = 16 * 1024 * 1024

    /// Reads and validates a topology file.
    /// - Parameters:
    ///   - path: The YAML file.
    ///   - virtualHost: The vhost the definitions are for.
    /// - Throws: ``TopologyError`` naming the file, the key and what is wrong.
    public static func load(path: String, virtualHost: String = "/") throws(TopologyError) -> Topology {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path, limit: fileLimit)
        } catch {
            throw TopologyError("cannot read the topology file \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TopologyError("\(path): not valid YAML: the file is not UTF-8 text")
        }
        return try parse(text, source: path, virtualHost: virtualHost)
    }

    /// Parses and validates topology YAML.
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - source: The file's name, for messages.
    ///   - virtualHost: The vhost the definitions are for.
    /// - Throws: ``TopologyError`` naming the source, the key and what is wrong.
    public static func parse(_ yaml: String, source: String, virtualHost: String = "/") throws(TopologyError) -> Topology {
        let file: TopologyFile
        do {
            file = try YAMLDecoder().decode(TopologyFile.self, from: yaml)
        } catch let error as DecodingError {
            // Yams wraps the parser's error, which says where, as "not valid YAML".
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let parserError = context.underlyingError {
                throw TopologyError("\(source): not valid YAML: \(parserError)")
            }
            throw TopologyError("\(source): \(error.fieldDescription)")
        } catch {
            throw TopologyError("\(source): not valid YAML: \(error)")
        }
        return try Topology(file: file, source: source, virtualHost: virtualHost)
    }

    private init(file: TopologyFile, source: String, virtualHost: String) throws(TopologyError) {
        func invalid(_ key: String, _ problem: String) -> TopologyError {
            TopologyError("\(source): \(key): \(problem)")
        }
        guard file.version == 1 else { throw invalid("version", "expected 1, got \(file.version)") }
        guard !file.lanes.isEmpty else { throw invalid("lanes", "expected at least one lane") }
        guard !file.roles.isEmpty else { throw invalid("roles", "expected at least one role") }
        for (index, lane) in file.lanes.enumerated() where !lane.queue.contains("{role}") {
            throw invalid("lanes[\(index)].queue", "expected a name containing {role}, got '\(lane.queue)'")
        }
        guard file.deadLetters.queue.contains("{role}") else {
            throw invalid("dead_letters.queue", "expected a name containing {role}, got '\(file.deadLetters.queue)'")
        }
        guard file.retry.queue.contains("{tier}") else {
            throw invalid("retry.queue", "expected a name containing {tier}, got '\(file.retry.queue)'")
        }

        eventsExchange = file.exchanges.events
        retryExchange = file.exchanges.retry
        requeueExchange = file.exchanges.requeue
        deadLetterExchange = file.exchanges.dead
        retryHeader = file.retry.header
        lanes = file.lanes.map { Lane(name: $0.name, exchange: $0.exchange) }

        var tiers: [RetryTier] = []
        for (index, name) in file.retry.tiers.enumerated() {
            guard let delay = Self.duration(name) else {
                throw invalid("retry.tiers[\(index)]", "expected a duration like 500ms, 5s, 2m or 1h, got '\(name)'")
            }
            tiers.append(RetryTier(name: name, delay: delay, queue: file.retry.queue.replacingOccurrences(of: "{tier}", with: name)))
        }
        guard !tiers.isEmpty else { throw invalid("retry.tiers", "expected at least one tier") }
        guard zip(tiers, tiers.dropFirst()).allSatisfy({ $0.delay < $1.delay }) else {
            throw invalid("retry.tiers", "expected tiers from shortest to longest, got \(file.retry.tiers.joined(separator: ", "))")
        }
        retryTiers = tiers

        var roles: [String: Role] = [:]
        for (name, role) in file.roles {
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw invalid("roles.\(name)", "a role name may hold letters, digits, - and _ only")
            }
            guard !role.events.isEmpty else { throw invalid("roles.\(name).events", "expected at least one event pattern") }
            guard role.maxAttempts >= 1 else {
                throw invalid("roles.\(name).max_attempts", "expected a whole number of at least 1, got \(role.maxAttempts)")
            }
            var handlerTimeout = Self.defaultHandlerTimeout
            if let text = role.handlerTimeout {
                guard let timeout = Self.duration(text), timeout > .zero else {
                    throw invalid("roles.\(name).handler_timeout", "expected a duration like 30s, 2m or 1h, got '\(text)'")
                }
                handlerTimeout = timeout
            }
            roles[name] = Role(
                name: name, events: role.events, maxAttempts: role.maxAttempts, handlerTimeout: handlerTimeout,
                workQueues: file.lanes.map { $0.queue.replacingOccurrences(of: "{role}", with: name) },
                deadLetterQueue: file.deadLetters.queue.replacingOccurrences(of: "{role}", with: name),
                arguments: file.workQueues.arguments.merging(role.arguments ?? [:]) { _, override in override })
        }
        self.roles = roles
        definitions = BrokerDefinitions()
        definitions = expand(retryArguments: file.retry.arguments, deadLetterArguments: file.deadLetters.arguments,
                             virtualHost: virtualHost)
    }

    /// Every exchange, queue and binding, in declaration order.
    private func expand(
        retryArguments: [String: JSONValue], deadLetterArguments: [String: JSONValue], virtualHost: String
    ) -> BrokerDefinitions {
        var definitions = BrokerDefinitions()
        func exchange(_ name: String, _ type: String) {
            guard !definitions.exchanges.contains(where: { $0.name == name }) else { return }
            definitions.exchanges.append(.init(
                name: name, vhost: virtualHost, type: type, durable: true, autoDelete: false, internal: false,
                arguments: [:]))
        }
        func queue(_ name: String, _ arguments: [String: JSONValue]) {
            definitions.queues.append(.init(name: name, vhost: virtualHost, durable: true, autoDelete: false,
                                            arguments: arguments))
        }
        func bind(_ queue: String, to exchange: String, key: String, _ arguments: [String: JSONValue] = [:]) {
            definitions.bindings.append(.init(
                source: exchange, vhost: virtualHost, destination: queue, destinationType: "queue", routingKey: key,
                arguments: arguments))
        }

        for lane in lanes { exchange(lane.exchange, "topic") }
        exchange(eventsExchange, "topic")
        exchange(retryExchange, "headers")
        exchange(requeueExchange, "direct")
        exchange(deadLetterExchange, "direct")

        for tier in retryTiers {
            var arguments = retryArguments
            arguments["x-message-ttl"] = .int(Int64((tier.delay / .milliseconds(1)).rounded()))
            queue(tier.queue, arguments)
            bind(tier.queue, to: retryExchange, key: "", ["x-match": .string("all"), retryHeader: .string(tier.name)])
        }
        for role in roles.values.sorted(by: { $0.name < $1.name }) {
            queue(role.deadLetterQueue, deadLetterArguments)
            for (lane, workQueue) in zip(lanes, role.workQueues) {
                var arguments = role.arguments
                arguments["x-dead-letter-routing-key"] = .string(workQueue)
                queue(workQueue, arguments)
                for pattern in role.events { bind(workQueue, to: lane.exchange, key: pattern) }
                bind(workQueue, to: requeueExchange, key: workQueue)
                bind(role.deadLetterQueue, to: deadLetterExchange, key: workQueue)
            }
        }
        return definitions
    }

    /// Parses `500ms`, `5s`, `2m`, `1h`.
    static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let amount = Int64(text.dropLast(unit.suffix.count)), amount > 0 else { return nil }
            let (milliseconds, overflow) = amount.multipliedReportingOverflow(by: unit.milliseconds)
            return overflow ? nil : .milliseconds(milliseconds)
        }
        return nil
    }
}
