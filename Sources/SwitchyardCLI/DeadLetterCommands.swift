// `switchyard dlq list | show | replay`: the dead-letter ledger for operators.

import ArgumentParser
import Foundation
import Logging
import Switchyard
import SwitchyardAMQP
import SwitchyardPostgres
import SwitchyardRuntime

/// Inspecting and replaying dead letters (archived by `switchyard work dead-letters`).
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Inspect and replay dead letters.", subcommands: [List.self, Show.self, Replay.self, Purge.self])

    /// The selector options `show` and `replay` share.
    struct Selector: ParsableArguments {
        @Option(help: "Only dead letters from this origin work queue (e.g. sy.work.probe).")
        var queue: String?

        @Option(help: "Only this error class (e.g. permanent, validation, delivery_limit).")
        var errorClass: String?

        @Option(help: "Only those archived since this time: RFC 3339 (2026-11-30T05:00:00Z) or an age (30m, 2h, 1d).")
        var since: String?

        @Argument(help: "Archive ids (the ID column of `dlq show`).")
        var ids: [Int64] = []

        /// Refuses an empty selection, for the commands that change things.
        func requireSelection() throws {
            guard !ids.isEmpty || queue != nil else {
                throw ValidationError("select dead letters: give IDs or --queue QUEUE (with --error-class, --since to narrow)")
            }
        }

        /// The selection, checked against the topology's queues.
        func selection(_ topology: Topology) throws -> DeadLetterSelection {
            if let queue {
                let known = topology.roles.values.flatMap(\.workQueues).sorted()
                guard known.contains(queue) else {
                    throw CommandFailure(
                        message: "--queue: unknown work queue '\(queue)'; known: \(known.joined(separator: ", "))", exitCode: 2)
                }
            }
            return DeadLetterSelection(ids: ids, queue: queue, errorClass: errorClass, since: try since.map(Self.time))
        }

        /// `--since` as a time: RFC 3339, or an age before now.
        static func time(_ text: String) throws -> Date {
            if let date = DeadLetterSelection.time(from: text) { return date }
            throw CommandFailure(
                message: "--since: expected RFC 3339 (2026-11-30T05:00:00Z) or an age like 30m, 2h, 1d; got '\(text)'", exitCode: 2)
        }
    }

    /// `dlq list`: per origin queue, what waits in the broker and what the archive holds.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per origin queue: dead letters waiting in the broker, and archived ones by error class.")

        @Flag(help: "JSON instead of a table.")
        var json = false

        struct Report: Encodable {
            struct Queue: Encodable {
                var origin_queue: String
                var dead_letter_queue: String?
                var waiting_in_broker: Int?
                var in_topology: Bool
                var classes: [DeadLetterGroup]
            }
            var queues: [Queue]
        }

        func run() async throws {
            let configuration = try SwitchyardConfiguration()
            let topology = try await loadTopology(configuration)
            let groups = try await withDatabase { try DeadLetterLedger.groups(on: $0) }
            let connection = try await connect(configuration)
            let channel = try await connection.openChannel()
            var waiting: [String: Int] = [:]
            for role in topology.roles.values {
                waiting[role.deadLetterQueue] = Int(try await channel.declareQueuePassive(role.deadLetterQueue).messageCount)
            }
            await connection.close()
            let roleOfQueue = Dictionary(topology.roles.values.flatMap { role in role.workQueues.map { ($0, role) } }) { first, _ in first }
            let origins = Set(groups.map(\.originQueue)).union(roleOfQueue.keys.filter { waiting[roleOfQueue[$0]?.deadLetterQueue ?? ""] ?? 0 > 0 })
            let report = Report(queues: origins.sorted().map { origin in
                // A message published into a DLQ directly has the DLQ as its origin.
                let role = roleOfQueue[origin] ?? topology.role(deadLetteringInto: origin)
                return Report.Queue(
                    origin_queue: origin, dead_letter_queue: role?.deadLetterQueue,
                    waiting_in_broker: role.flatMap { waiting[$0.deadLetterQueue] }, in_topology: role != nil,
                    classes: groups.filter { $0.originQueue == origin })
            })
            if json {
                try printJSON(report)
                return
            }
            var rows = [["ORIGIN QUEUE", "DLQ (WAITING)", "ERROR CLASS", "ARCHIVED", "REPLAYED", "OLDEST", "NEWEST"]]
            for queue in report.queues {
                let dlq = queue.dead_letter_queue.map { "\($0) (\(queue.waiting_in_broker ?? 0))" } ?? "not in the topology"
                if queue.classes.isEmpty { rows.append([queue.origin_queue, dlq, "-", "0", "0", "-", "-"]) }
                for group in queue.classes {
                    rows.append([queue.origin_queue, dlq, group.errorClass, "\(group.archived)", "\(group.replayed)", group.oldest, group.newest])
                }
            }
            printTable(rows)
        }
    }

    /// `dlq show`: the dead letters themselves; never changes anything.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show archived dead letters: why, where from, and the body.")

        @OptionGroup var selector: Selector

        @Option(help: "At most this many (oldest first).")
        var limit = 20

        @Flag(help: "Show whole bodies (else the first 400 characters).")
        var full = false

        @Flag(help: "JSON instead of text.")
        var json = false

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1...10000, got \(limit)") }
        }

        func run() async throws {
            let configuration = try SwitchyardConfiguration()
            let selection = try selector.selection(try await loadTopology(configuration))
            let limit = limit
            let letters = try await withDatabase { try DeadLetterLedger.select(selection, limit: limit, on: $0) }
            if json {
                try printJSON(letters)
                return
            }
            if letters.isEmpty { print("no dead letters match") }
            // Everything below comes from the message: control characters are escaped, so a dead
            // letter can't rewrite the operator's terminal.
            for letter in letters {
                print(("ID \(letter.id)  archived \(letter.archivedAt)  \(letter.originQueue)  routing key \(letter.originRoutingKey ?? "-")")
                    .terminalSafe())
                print(("  reason \(letter.reason), error class \(letter.errorClass ?? "-"), "
                    + "attempts \(letter.attempts.map(String.init) ?? "-"), message \(letter.messageID ?? "-")").terminalSafe())
                print("  error: \(letter.error ?? "-")".terminalSafe())
                if let replayed = letter.replayedAt { print("  replayed \(letter.replayCount)×, last at \(replayed)") }
                let body = DeadLetterLedger.pretty(letter.body)
                print(("  body: " + (full || body.count <= 400 ? body : String(body.prefix(400)) + "… (--full shows all)"))
                    .terminalSafe(keepingLayout: true).replacingOccurrences(of: "\n", with: "\n        "))
            }
        }
    }

    /// `dlq replay`: republish selected dead letters to their origin, once each.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Republish dead letters to their origin exchange and routing key (each at most once).",
            discussion: "Select by IDs, or by --queue (narrowed by --error-class and --since). Exit 1 if any failed.")

        @OptionGroup var selector: Selector

        @Flag(help: "List what would be replayed; change nothing.")
        var dryRun = false

        @Option(help: "At most this many replays per second (0.001...10000).")
        var rate: Double?

        /// The rates `--rate` takes: down to one replay in about 17 minutes.
        static let rates = 0.001...10_000.0

        @Option(help: "At most this many dead letters.")
        var limit = 1_000

        @Flag(help: "JSON lines instead of text.")
        var json = false

        func validate() throws {
            try selector.requireSelection()
            if let rate, !(Self.rates ~= rate) {
                throw ValidationError("--rate must be \(Self.rates.lowerBound)...\(Int(Self.rates.upperBound)) per second, got \(rate)")
            }
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1...100000, got \(limit)") }
        }

        func run() async throws {
            let configuration = try SwitchyardConfiguration()
            let topology = try await loadTopology(configuration)
            let selection = try selector.selection(topology)
            let limit = limit
            let letters = try await withDatabase { try DeadLetterLedger.select(selection, limit: limit, on: $0) }
            for missing in Set(selection.ids).subtracting(letters.map(\.id)).sorted() {
                report(missing, "skipped", "no dead letter with this id")
            }
            let replay = DeadLetterReplay(
                topology: topology, operatorName: ProcessInfo.processInfo.environment["USER"].map { "\($0)@cli" } ?? "cli")
            if dryRun {
                for letter in letters {
                    let destination = replay.destination(of: letter).map { "\($0.exchange) \($0.routingKey)" } ?? "nowhere (origin unknown)"
                    report(letter.id, letter.replayedAt == nil ? "would replay" : "would skip",
                           letter.replayedAt.map { "already replayed at \($0)" } ?? "to \(destination)")
                }
                return
            }
            let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 1))
            let connection = try await connect(configuration)
            let channel = try await connection.openChannel(confirms: true)
            var failures = 0
            let interval = rate.map { Duration.seconds(1 / $0) }
            for letter in letters {
                let started = ContinuousClock.now
                switch try await replay.replay(letter.id, pool: pool, channel: channel) {
                case .replayed(let exchange, let routingKey): report(letter.id, "replayed", "to \(exchange) \(routingKey)")
                case .skipped(let why): report(letter.id, "skipped", why)
                case .failed(let why):
                    failures += 1
                    report(letter.id, "failed", why)
                }
                if let interval { try await Task.sleep(until: started + interval, clock: .continuous) }
            }
            await connection.close()
            await pool.close()
            if failures > 0 { throw CommandFailure(message: "\(failures) of \(letters.count) dead letters were not replayed") }
        }

        private func report(_ id: Int64, _ outcome: String, _ detail: String) {
            if json {
                let line = try? JSONSerialization.data(withJSONObject: ["id": id, "outcome": outcome, "detail": detail], options: [.sortedKeys])
                print(String(decoding: line ?? Data(), as: UTF8.self))
            } else {
                print("\(id)\t\(outcome)\t\(detail.terminalSafe())")
            }
        }
    }
}

extension DeadLetterCommand {
    /// `dlq purge`: discard dead letters (kept in the archive for audit), archiving what still
    /// waits in the broker's DLQ first.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Discard dead letters: archive what waits in the queue's DLQ, then mark the selected ones discarded.")

        @OptionGroup var selector: Selector

        @Flag(help: "Confirm: without it nothing is discarded.")
        var yes = false

        @Flag(help: "JSON instead of text.")
        var json = false

        func validate() throws {
            try selector.requireSelection()
            guard yes else { throw ValidationError("purge discards dead letters for good: add --yes to confirm") }
        }

        func run() async throws {
            let configuration = try SwitchyardConfiguration()
            let topology = try await loadTopology(configuration)
            let selection = try selector.selection(topology)
            var drained: (queue: String, count: Int)?
            if let queue = selection.queue, let role = topology.roles.values.first(where: { $0.workQueues.contains(queue) }) {
                let pool = PostgresPool(configuration: .init(url: configuration.databaseURL, maxConnections: 1))
                let connection = try await connect(configuration)
                let channel = try await connection.openChannel()
                let archiver = DeadLetterArchiver(topology: topology, pool: pool, amqp: configuration.amqp, logger: Logger(label: "switchyard.dlq"))
                drained = (role.deadLetterQueue, try await archiver.drain(role.deadLetterQueue, on: channel))
                await connection.close()
                await pool.close()
            }
            let discarded = try await withDatabase { try DeadLetterLedger.discard(selection, on: $0) }
            if json {
                let report: [String: Any] = [
                    "archived_from_broker": drained.map { ["queue": $0.queue, "count": $0.count] as [String: Any] } ?? NSNull(),
                    "discarded": discarded,
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
                return
            }
            if let drained { print("archived \(drained.count) dead letter(s) waiting in \(drained.queue) first") }
            print("discarded \(discarded.count) dead letter(s)" + (discarded.isEmpty ? "" : ": " + discarded.map(String.init).joined(separator: " "))
                + " (kept in dead_letters for audit; replay skips them)")
        }
    }
}

/// Prints `value` as indented JSON with sorted keys.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Prints rows as left-aligned columns, the first row as the header; control characters in
/// cells are escaped.
func printTable(_ rows: [[String]]) {
    let rows = rows.map { $0.map { $0.terminalSafe() } }
    let widths = rows.reduce(into: [Int]()) { widths, row in
        for (index, cell) in row.enumerated() {
            if index < widths.count { widths[index] = max(widths[index], cell.count) } else { widths.append(cell.count) }
        }
    }
    for row in rows {
        print(row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  "))
    }
}
