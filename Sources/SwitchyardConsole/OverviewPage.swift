// GET /console: the queues, the last hour's depths, recent work per role, connected workers and
// the latest operator actions.

import Foundation
import Hummingbird
import Switchyard
import SwitchyardAMQP
import SwitchyardPostgres

extension Console {
    /// The window of "recent work".
    static let activityMinutes = 15

    func overview(_ session: ConsoleSession) async throws -> Response {
        async let broker = BrokerOverview.read(
            topology: dependencies.topology, amqp: dependencies.amqp, managementURLs: dependencies.managementURLs, http: dependencies.http)
        let minutes = Self.activityMinutes
        let (activity, actions) = try await dependencies.pool.withConnection { connection in
            (try ConsoleStore.activity(minutes: minutes, on: connection), try OperatorActionLog.recent(limit: 10, on: connection))
        }
        let brokerView = await broker
        return ConsolePage.response("Overview", session: session, body: """
            \(queuesSection(brokerView))
            \(activitySection(activity))
            \(workersSection(brokerView))
            \(actionsSection(actions))
            """)
    }

    private func queuesSection(_ broker: BrokerOverview) -> HTML {
        let problem: HTML
        if broker.isUnreachable {
            problem = """
                <p class="problem" role="alert"><strong>Broker unreachable.</strong> AMQP: \(broker.amqpProblem ?? "") \
                The management API: \(broker.managementProblem ?? "")</p>
                """
        } else if let management = broker.managementProblem {
            problem = """
                <p class="problem" role="alert">The management API did not answer (\(management)): depths and consumers are exact, \
                unacknowledged counts, rates, history and workers unknown.</p>
                """
        } else if let amqp = broker.amqpProblem {
            problem = "<p class=\"problem\" role=\"alert\">AMQP did not answer (\(amqp)): the figures are the management API's.</p>"
        } else {
            problem = .empty
        }
        let rows = HTML.joined(broker.queues.map { queue in
            let deadLetters: HTML = dependencies.topology.role(consuming: queue.name) == nil
                ? .empty : " <a href=\"/console/dead-letters?queue=\(queue.name)\">dead letters</a>"
            return """
                <tr><td>\(queue.name)\(deadLetters)</td><td>\(queue.type)</td><td class="n">\(Self.count(queue.ready))</td>
                <td class="n">\(Self.count(queue.unacknowledged))</td><td class="n">\(Self.count(queue.consumers))</td>
                <td class="n">\(queue.oldestMessageAge.map { "\($0) s" })</td><td class="n">\(Self.rate(queue.publishRate))</td>
                <td class="n">\(Self.rate(queue.deliverRate))</td><td>\(Self.sparkline(queue.depthHistory))</td></tr>
                """
        })
        return """
            <h2>Queues</h2>
            \(problem)
            <div class="scroll"><table>
            <caption class="muted">Every queue of the topology: ready messages and consumers as the broker counts them now, \
            the rest from its management API.</caption>
            <thead><tr><th scope="col">Queue</th><th scope="col">Type</th><th scope="col" class="n">Ready</th><th scope="col" class="n">Unacked</th>
            <th scope="col" class="n">Consumers</th><th scope="col" class="n">Oldest message</th><th scope="col" class="n">Published/s</th>
            <th scope="col" class="n">Delivered/s</th><th scope="col">Depth, last hour</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    private func activitySection(_ activity: (processed: [String: Int], deadLettered: [String: Int])) -> HTML {
        let topology = dependencies.topology
        let rows = HTML.joined(topology.roles.keys.sorted().map { role in
            let queues = topology.roles[role]?.workQueues ?? []
            let dead = queues.reduce(0) { $0 + (activity.deadLettered[$1] ?? 0) }
            let link: HTML = queues.first.map { "<a href=\"/console/dead-letters?queue=\($0)\">\(dead)</a>" } ?? "\(dead)"
            return "<tr><td>\(role)</td><td class=\"n\">\(activity.processed[role] ?? 0)</td><td class=\"n\">\(link)</td></tr>"
        })
        return """
            <h2>Work, last \(Self.activityMinutes) minutes</h2>
            <table>
            <caption class="muted">Processed: messages a role committed (its inbox). Dead-lettered: messages of its queues archived as dead letters.
            Retries wait in the sy.retry.* queues above; per role they are counted by the workers' metric switchyard_messages_retried_total.</caption>
            <thead><tr><th scope="col">Role</th><th scope="col" class="n">Processed</th><th scope="col" class="n">Dead-lettered</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    private func workersSection(_ broker: BrokerOverview) -> HTML {
        guard let consumers = broker.consumers else {
            return "<h2>Workers connected</h2><p class=\"muted\">Unknown while the management API does not answer.</p>"
        }
        guard !consumers.isEmpty else { return "<h2>Workers connected</h2><p>No worker is consuming now.</p>" }
        let rows = HTML.joined(consumers.map { consumer in
            """
            <tr><td>\(consumer.connectionName)</td><td>\(consumer.peer)</td><td>\(consumer.queue)</td><td>\(consumer.tag)</td>
            <td class="n">\(Self.count(consumer.prefetch))</td></tr>
            """
        })
        return """
            <h2>Workers connected</h2>
            <div class="scroll"><table>
            <thead><tr><th scope="col">Connection</th><th scope="col">Host</th><th scope="col">Queue</th><th scope="col">Consumer tag</th>
            <th scope="col" class="n">Prefetch</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    private func actionsSection(_ actions: [OperatorAction]) -> HTML {
        guard !actions.isEmpty else { return "<h2>Operator actions</h2><p>None yet.</p>" }
        let rows = HTML.joined(actions.map { action in
            "<tr><td>\(action.at)</td><td>\(action.operatorName)</td><td>\(action.action)</td><td class=\"n\">\(action.affected)</td></tr>"
        })
        return """
            <h2>Operator actions</h2>
            <table><thead><tr><th scope="col">When</th><th scope="col">Operator</th><th scope="col">Action</th><th scope="col" class="n">Affected</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    static func count(_ value: Int?) -> String {
        value.map(String.init) ?? "-"
    }

    static func rate(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? "-"
    }

    /// The depths as a small line chart, labelled with their range for screen readers.
    static func sparkline(_ depths: [Int]) -> HTML {
        guard depths.count > 1, let highest = depths.max(), let lowest = depths.min() else { return "<span class=\"muted\">-</span>" }
        let scale = highest > 0 ? 22 / Double(highest) : 0
        let step = 120 / Double(depths.count - 1)
        let points = depths.enumerated().map { index, depth in
            String(format: "%.1f,%.1f", Double(index) * step, 23 - Double(depth) * scale)
        }.joined(separator: " ")
        let label = "depth over the last hour: between \(lowest) and \(highest), now \(depths[depths.count - 1])"
        return "<svg class=\"spark\" viewBox=\"0 0 120 24\" role=\"img\" aria-label=\"\(label)\"><polyline points=\"\(points)\"/></svg>"
    }
}
