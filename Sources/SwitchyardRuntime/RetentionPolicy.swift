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
/// | `SWITCHYARD_RETENTION_LIVE_UPDATES` | `1d` | the live updates of a job, project, generation or execution that finished, once its last update is this old |
/// | `SWITCHYARD_RETENTION_INTERVAL` | `1h` | how often `work dead-letters` prunes |
///
/// Durations are a whole number and a unit: `7d`, `12h`, `30m`, `3600s`. Every window is at
/// least ``minimumWindow`` (one hour), because the inbox and the receipts are the exactly-once
/// guards: a message whose inbox row is gone would be handled again if it came back, so the
/// window must outlast the longest a message can take to return — the longest retry tier
/// (10 minutes) plus a broker redelivery — and a webhook's receipt must outlast the ±5 minute
/// window in which its signature is accepted.
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
        /// Live updates of finished subjects.
        case liveUpdates = "live_updates"

        /// The variable that sets the table's window.
        public var variable: String {
            switch self {
            case .outbox: "SWITCHYARD_RETENTION_OUTBOX"
            case .inbox: "SWITCHYARD_RETENTION_INBOX"
            case .webhookReceipts: "SWITCHYARD_RETENTION_RECEIPTS"
            case .idempotencyKeys: "SWITCHYARD_RETENTION_IDEMPOTENCY_KEYS"
            case .liveUpdates: "SWITCHYARD_RETENTION_LIVE_UPDATES"
            }
        }

        /// The window when the variable is unset.
        public var defaultWindow: Duration {
            self == .liveUpdates ? .seconds(86_400) : .seconds(7 * 86_400)
        }

        /// Why a window can't be shorter than ``RetentionPolicy/minimumWindow``.
        fileprivate var minimumReason: String {
            switch self {
            case .inbox: "inbox rows are the exactly-once guard and must outlive the retry tiers (10 min at most) and broker redeliveries"
            case .webhookReceipts: "webhook receipts must outlive the ±5 min in which a webhook's signature is accepted, and its redeliveries"
            default: "every retention window is at least that"
            }
        }
    }

    /// The shortest window accepted for any table.
    public static let minimumWindow = Duration.seconds(3_600)
    /// The variable that sets ``interval``.
    public static let intervalVariable = "SWITCHYARD_RETENTION_INTERVAL"

    /// Each table's window: rows older than this are pruned.
    public var windows: [Table: Duration]
    /// How often the scheduled prune runs.
    public var interval: Duration

    /// Reads and validates the windows and the interval.
    /// - Parameter environment: The variables (the process environment by default).
    /// - Throws: ``ConfigurationError`` naming the variable: not a duration, or shorter than
    ///   ``minimumWindow`` (the interval: than one second).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        func duration(_ variable: String, default fallback: Duration, atLeast minimum: Duration, why: String) throws(ConfigurationError) -> Duration {
            guard let text = environment[variable] else { return fallback }
            guard let value = Self.duration(text) else {
                throw ConfigurationError(variable: variable, problem: "expected a duration like 7d, 12h, 30m or 3600s, got '\(text)'")
            }
            guard value >= minimum else {
                throw ConfigurationError(variable: variable, problem: "\(text) is shorter than \(Self.format(minimum)): \(why)")
            }
            return value
        }
        var windows: [Table: Duration] = [:]
        for table in Table.allCases {
            windows[table] = try duration(table.variable, default: table.defaultWindow, atLeast: Self.minimumWindow, why: table.minimumReason)
        }
        self.windows = windows
        interval = try duration(Self.intervalVariable, default: .seconds(3_600), atLeast: .seconds(1), why: "prune at most once a second")
    }

    /// The window of `table`.
    public func window(_ table: Table) -> Duration {
        windows[table] ?? table.defaultWindow
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
    /// `90m`).
    public static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
