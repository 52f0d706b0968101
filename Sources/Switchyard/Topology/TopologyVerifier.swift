// `topology verify`: the differences between the topology and what the broker has.

import SwitchyardCore

extension BrokerDefinitions {
    /// What the broker lacks or has differently, one line per difference; empty when it
    /// matches. A binding the topology does not declare from one of its exchanges into one of
    /// its queues is reported too (`apply` leaves it: a role whose `events` shrank still
    /// receives what it no longer handles until it is unbound); other objects on the broker
    /// that the topology does not mention are not.
    /// - Parameter actual: What the broker has (its definitions for the vhost).
    public func differences(from actual: BrokerDefinitions) -> [String] {
        var lines: [String] = []
        let actualExchanges = Dictionary(actual.exchanges.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for exchange in exchanges {
            guard let found = actualExchanges[exchange.name] else {
                lines.append("missing exchange \(exchange.name) (\(exchange.type))")
                continue
            }
            if found.type != exchange.type {
                lines.append("exchange \(exchange.name): type is \(found.type), expected \(exchange.type)")
            }
            if found.durable != exchange.durable {
                lines.append("exchange \(exchange.name): durable is \(found.durable), expected \(exchange.durable)")
            }
        }

        let actualQueues = Dictionary(actual.queues.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for queue in queues {
            guard let found = actualQueues[queue.name] else {
                lines.append("missing queue \(queue.name)")
                continue
            }
            if found.type != queue.type {
                lines.append("queue \(queue.name): type is \(found.type), expected \(queue.type)")
            }
            if found.durable != queue.durable {
                lines.append("queue \(queue.name): durable is \(found.durable), expected \(queue.durable)")
            }
            for (key, expected) in queue.arguments.sorted(by: { $0.key < $1.key }) where key != "x-queue-type" {
                switch found.arguments[key] {
                case nil where key == Self.initialGroupSizeArgument:
                    break  // only read at creation: a queue declared before the topology had it
                case nil:
                    lines.append("queue \(queue.name): argument \(key) is missing, expected \(expected)")
                case let value? where value.description != expected.description:
                    lines.append("queue \(queue.name): argument \(key) is \(value), expected \(expected)")
                default:
                    break
                }
            }
            for key in found.arguments.keys.sorted() where queue.arguments[key] == nil && key != "x-queue-type" {
                lines.append("queue \(queue.name): unexpected argument \(key) = \(found.arguments[key]!)")
            }
        }

        let actualBindings = Set(actual.bindings.map(BindingKey.init))
        for binding in bindings where !actualBindings.contains(BindingKey(binding)) {
            lines.append("missing binding \(Self.describe(binding))")
        }
        let expectedBindings = Set(bindings.map(BindingKey.init))
        let ownExchanges = Set(exchanges.map(\.name))
        let ownQueues = Set(queues.map(\.name))
        for binding in actual.bindings
        where ownExchanges.contains(binding.source) && ownQueues.contains(binding.destination)
            && !expectedBindings.contains(BindingKey(binding)) {
            lines.append("unexpected binding \(Self.describe(binding)): not in the topology; `topology apply` leaves it, unbind it by hand")
        }
        return lines
    }

    /// `source -> destination (routing key 'key', arguments {...})`.
    private static func describe(_ binding: Binding) -> String {
        var line = "\(binding.source) -> \(binding.destination) (routing key '\(binding.routingKey)'"
        if !binding.arguments.isEmpty { line += ", arguments \(JSONValue.object(binding.arguments))" }
        return line + ")"
    }
}

/// A binding's identity, with argument values compared as text (the management API reports
/// numbers where a declare sent longs).
private struct BindingKey: Hashable {
    var source: String
    var destination: String
    var routingKey: String
    var arguments: [String: String]

    init(_ binding: BrokerDefinitions.Binding) {
        source = binding.source
        destination = binding.destination
        routingKey = binding.routingKey
        arguments = binding.arguments.mapValues(\.description)
    }
}
