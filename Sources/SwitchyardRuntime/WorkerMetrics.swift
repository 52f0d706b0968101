// The worker's swift-metrics: what happened to each message, how long handlers took, how old
// messages were when done, how many handlers run.

import CoreMetrics
import Foundation
import Metrics
import SwitchyardAMQP
import SwitchyardCore

/// The metrics of one role, created once and shared by its handler tasks. Names follow
/// Prometheus conventions; the process chooses the backend (`switchyard work --metrics-port`).
///
/// - `switchyard_messages_processed_total{role, outcome}`: outcome is `success`, `duplicate`,
///   `retried`, `dead_lettered`, `abandoned` (the session ended before the commit) or `waiting`
///   (sent on through a tier, unhandled, until its `sy-not-before`).
/// - `switchyard_messages_retried_total{role, error_class}`
/// - `switchyard_messages_dead_lettered_total{role, error_class}`
/// - `switchyard_handler_duration_seconds{role}`: the handler alone, histogram.
/// - `switchyard_end_to_end_latency_seconds{role}`: from the event's `sy-first-seen` (else its
///   AMQP timestamp) to the ack of a successful commit, histogram.
/// - `switchyard_handlers_in_flight{role}`: deliveries being processed now.
struct WorkerMetrics: Sendable {
    let role: String
    private let succeeded: Counter
    private let duplicates: Counter
    private let retries: Counter
    private let deadLetters: Counter
    private let abandoned: Counter
    private let waits: Counter
    private let handlerDuration: Metrics.Timer
    private let endToEnd: Metrics.Timer
    private let inFlight: Meter

    init(role: String) {
        self.role = role
        func processed(_ outcome: String) -> Counter {
            Counter(label: "switchyard_messages_processed_total", dimensions: [("role", role), ("outcome", outcome)])
        }
        succeeded = processed("success")
        duplicates = processed("duplicate")
        retries = processed("retried")
        deadLetters = processed("dead_lettered")
        abandoned = processed("abandoned")
        waits = processed("waiting")
        handlerDuration = Metrics.Timer(label: "switchyard_handler_duration_seconds", dimensions: [("role", role)])
        endToEnd = Metrics.Timer(label: "switchyard_end_to_end_latency_seconds", dimensions: [("role", role)])
        inFlight = Meter(label: "switchyard_handlers_in_flight", dimensions: [("role", role)])
    }

    /// A delivery's processing began.
    func began() { inFlight.increment() }

    /// A delivery's processing ended, however it ended.
    func ended() { inFlight.decrement() }

    /// The handler ran for `duration`.
    func handled(in duration: Duration) {
        handlerDuration.recordNanoseconds(duration.nanoseconds)
    }

    /// A delivery's effects were committed and it was acknowledged.
    func succeeded(_ message: WorkMessage) {
        succeeded.increment()
        if let age = Self.age(of: message) { endToEnd.recordNanoseconds(age) }
    }

    /// A delivery was already done (found in the inbox) and was acknowledged.
    func duplicate() { duplicates.increment() }

    /// A delivery was sent to a retry tier.
    func retried(errorClass: String) {
        retries.increment()
        Counter(label: "switchyard_messages_retried_total", dimensions: [("role", role), ("error_class", errorClass)]).increment()
    }

    /// A delivery was dead-lettered.
    func deadLettered(errorClass: String) {
        deadLetters.increment()
        Counter(label: "switchyard_messages_dead_lettered_total", dimensions: [("role", role), ("error_class", errorClass)]).increment()
    }

    /// The session ended before the delivery's commit; the broker redelivers it.
    func abandon() { abandoned.increment() }

    /// A delivery went on through a retry tier, unhandled, to wait out its `sy-not-before`.
    func waited() { waits.increment() }

    /// Nanoseconds since the event was first seen, when the message says: `sy-first-seen`
    /// (epoch milliseconds), else the `timestamp` property (epoch seconds). Whoever published
    /// the message chose those values, so a moment before the epoch or past the year 9999 is
    /// no age at all, and one ahead of this host's clock is an age of 0.
    private static func age(of message: WorkMessage) -> Int64? {
        let firstSeen: Int?
        if let milliseconds = message.delivery.properties.headers?[MessageHeaders.firstSeen]?.intValue {
            firstSeen = MessageTime.moment(milliseconds)
        } else if let seconds = message.delivery.properties.timestamp {
            firstSeen = seconds <= UInt64(MessageTime.latest / 1000) ? MessageTime.moment(Int(seconds) * 1000) : nil
        } else {
            firstSeen = nil
        }
        guard let firstSeen else { return nil }
        return max(0, Int64(Date().timeIntervalSince1970 * 1000) - Int64(firstSeen)) * 1_000_000
    }
}
