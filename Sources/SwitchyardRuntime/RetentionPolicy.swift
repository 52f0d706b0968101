// How long rows that grow with traffic are kept, from SWITCHYARD_RETENTION_* variables.

public import Foundation
public import SwitchyardCore

/// How long each table's rows are kept before ``Pruner`` deletes them, and how often
/// `switchyard work dead-letters` prunes.
///
/// | variable | default | the rows |
/// |---|---|---|
/// | `SWITCHYARD_RETENTION_OUTBOX` | `7d` | outbox rows sent longer ago (unsent ones are never pruned) |
/// | `SWITCHYARD_RETENTION_INBOX` | `7d` | inbox rows of messages handled longer ago |
/// | `SWITCHYARD_RETENTION_RECEIPTS` | `7d` | webhook receipts |
/// | `SWITCHYARD_RETENTION_IDEMPOTENCY_KEYS` | `7d` | producers' idempotency keys |
/// | `SWITCHYARD_RETENTION_EXECUTIONS` | `30d` | automation executions that finished longer ago |
/// | `SWITCHYARD_RETENTION_JOBS` | `30d` | jobs that finished longer ago, with their steps |
/// | `SWITCHYARD_RETENTION_LIVE_UPDATES` | `1d` | the live updates of a job, project, generation or execution that finished (or is gone), once its last update is this old |
/// | `SWITCHYARD_RETENTION_API_USAGE` | `90d` | the log of calls to external services |
/// | `SWITCHYARD_RETENTION_DEAD_LETTERS` | `30d` | archived dead letters an operator replayed or discarded longer ago (the others stay until one does) |
/// | `SWITCHYARD_RETENTION_OPERATOR_ACTIONS` | `365d` | the console's audit log |
/// | `SWITCHYARD_RETENTION_PROBE_RESULTS` | `7d` | the diagnostic probe role's results |
/// | `SWITCHYARD_RETENTION_INTERVAL` | `1h` | how often `work dead-letters` prunes |
///
/// A window is `never` (the table is kept whole) or a whole number and a unit: `7d`, `12h`,
/// `30m`, `3600s`. Every window is at least ``minimumWindow`` (one hour; jobs: seven days, see
/// ``Table/minimumWindow``), because the inbox and the receipts are the exactly-once guards: a
/// message whose inbox row is gone would be handled again if it came back, so the window must
/// outlast the longest a message can take to return — the longest retry tier (10 minutes) plus a
/// broker redelivery — and a webhook's receipt must outlast the ±5 minute window in which its
/// signature is accepted.
public struct RetentionPolicy: Sendable, Equatable {
    /// A table with a retention window.
    public enum Table: String, CaseIterable, Sendable {
        /// Sent outbox rows.
        case outbox
        /// Handled messages (the consumers' exactly-once guard).
        case inbox
        /// Webhook receipts (the webhooks' exactly-once guard).
        case webhookReceipts = "webhook_receipts"
        /// Producers' `Idempotency-Key`s and their first answers.
        case idempotencyKeys = "idempotency_keys"
        /// Finished automation executions.
        case automationExecutions = "automation_executions"
        /// Finished jobs, and their steps with them.
        case jobs
        /// Live updates of finished subjects (after jobs and executions, so theirs go in the same run).
        case liveUpdates = "live_updates"
        /// Calls to external services.
        case apiUsage = "api_usage"
        /// Archived dead letters that were replayed or discarded.
        case deadLetters = "dead_letters"
        /// The operator console's audit log.
        case operatorActions = "operator_actions"
        /// The diagnostic probe role's results.
        case probeResults = "probe_results"

        /// The variable that sets the table's window.
        public var variable: String {
            switch self {
            case .outbox: "SWITCHYARD_RETENTION_OUTBOX"
            case .inbox: "SWITCHYARD_RETENTION_INBOX"
            case .webhookReceipts: "SWITCHYARD_RETENTION_RECEIPTS"
            case .idempotencyKeys: "SWITCHYARD_RETENTION_IDEMPOTENCY_KEYS"
            case .automationExecutions: "SWITCHYARD_RETENTION_EXECUTIONS"
            case .jobs: "SWITCHYARD_RETENTION_JOBS"
            case .liveUpdates: "SWITCHYARD_RETENTION_LIVE_UPDATES"
            case .apiUsage: "SWITCHYARD_RETENTION_API_USAGE"
            case .deadLetters: "SWITCHYARD_RETENTION_DEAD_LETTERS"
            case .operatorActions: "SWITCHYARD_RETENTION_OPERATOR_ACTIONS"
            case .probeResults: "SWITCHYARD_RETENTION_PROBE_RESULTS"
            }
        }

        /// The window when the variable is unset.
        public var defaultWindow: Duration {
            let days: Int64 = switch self {
            case .outbox, .inbox, .webhookReceipts, .idempotencyKeys, .probeResults: 7
            case .automationExecutions, .jobs, .deadLetters: 30
            case .liveUpdates: 1
            case .apiUsage: 90
            case .operatorActions: 365
            }
            return .seconds(days * 86_400)
        }

        /// The shortest window accepted: ``RetentionPolicy/minimumWindow``, and for jobs seven
        /// days, the furthest out a step can be scheduled: a cancelled job's scheduled step must
        /// still find its job when it comes back, or it would be dead-lettered as `job_not_found`.
        public var minimumWindow: Duration {
            self == .jobs ? .seconds(7 * 86_400) : RetentionPolicy.minimumWindow
        }

        /// Why a window can't be shorter than ``minimumWindow``.
        fileprivate var minimumReason: String {
            switch self {
            case .inbox: "inbox rows are the exactly-once guard and must outlive the retry tiers (10 min at most) and broker redeliveries"
            case .webhookReceipts: "webhook receipts must outlive the ±5 min in which a webhook's signature is accepted, and its redeliveries"
            case .jobs: "a step can be scheduled up to 7 days out, and must find its job (cancelled meanwhile) when it comes back"
            default: "every retention window is at least that"
            }
        }
    }

    /// The shortest window accepted for most tables (``Table/minimumWindow`` says which differ).
    public static let minimumWindow = Duration.seconds(3_600)
    /// The variable that sets ``interval``.
    public static let intervalVariable = "SWITCHYARD_RETENTION_INTERVAL"

    /// The word that keeps a table whole.
    public static let never = "never"

    /// Each pruned table's window: rows older than this are pruned. A table without one is kept
    /// whole (its variable said `never`).
    public var windows: [Table: Duration]
    /// How often the scheduled prune runs.
    public var interval: Duration

    /// Reads and validates the windows and the interval.
    /// - Parameter environment: The variables (the process environment by default).
    /// - Throws: ``ConfigurationError`` naming the variable: not a duration, or shorter than
    ///   ``minimumWindow`` (the interval: than one second; it can't be `never`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        func duration(_ variable: String, default fallback: Duration, atLeast minimum: Duration, why: String, orNever: Bool) throws(ConfigurationError) -> Duration {
            guard let text = environment[variable] else { return fallback }
            guard let value = Self.duration(text) else {
                let never = orNever ? ", or \(Self.never)" : ""
                throw ConfigurationError(variable: variable, problem: "expected a duration like 7d, 12h, 30m or 3600s\(never), got '\(text)'")
            }
            guard value >= minimum else {
                throw ConfigurationError(variable: variable, problem: "\(text) is shorter than \(Self.format(minimum)): \(why)")
            }
            return value
        }
        var windows: [Table: Duration] = [:]
        for table in Table.allCases where environment[table.variable] != Self.never {
            windows[table] = try duration(table.variable, default: table.defaultWindow, atLeast: table.minimumWindow, why: table.minimumReason, orNever: true)
        }
        self.windows = windows
        interval = try duration(Self.intervalVariable, default: .seconds(3_600), atLeast: .seconds(1), why: "prune at most once a second", orNever: false)
    }

    /// The window of `table`, or nil when the table is kept whole.
    public func window(_ table: Table) -> Duration? {
        windows[table]
    }

    /// Parses `7d`, `12h`, `30m`, `3600s`: a whole number of days, hours, minutes or seconds.
    /// - Parameter text: The duration as written.
    /// - Returns: The duration, or nil when `text` is not one (or too long to represent).
    public static func duration(_ text: String) -> Duration? {
        guard let match = text.wholeMatch(of: /([0-9]{1,12})([smhd])/), let amount = Int64(match.1) else { return nil }
        let unit: Int64 = switch match.2 {
        case "d": 86_400
        case "h": 3_600
        case "m": 60
        default: 1
        }
        return .seconds(amount * unit)
    }

    /// A duration as ``duration(_:)`` reads it, in the largest unit that divides it (`7d`,
    /// `90m`); no duration is ``never``.
    public static func format(_ duration: Duration?) -> String {
        guard let seconds = duration?.components.seconds else { return never }
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
