// The header names of Switchyard's message contract (DESIGN.md, "Message contract").

/// The AMQP headers Switchyard reads and writes.
public enum MessageHeaders {
    /// Which attempt this delivery is (1 when absent).
    public static let attempt = "sy-attempt"
    /// The tenant that owns the event.
    public static let tenant = "sy-tenant"
    /// When Switchyard first saw the event (epoch milliseconds).
    public static let firstSeen = "sy-first-seen"
    /// W3C trace context, passed on to follow-up events.
    public static let traceparent = "traceparent"
    /// How many workflow steps in a row led to the event (absent: none); see ``WorkflowHops``.
    public static let hop = "sy-hop"

    /// Dead letters: the failure's class (`transient`, `permanent`, `database`, ...).
    public static let errorClass = "sy-error-class"
    /// Dead letters: the failure's message.
    public static let error = "sy-error"
    /// Dead letters: how many attempts were made.
    public static let attempts = "sy-attempts"
    /// Dead letters and retries: when the first attempt failed (epoch milliseconds).
    public static let firstFailure = "sy-first-failure"
    /// Dead letters: when the last attempt failed (epoch milliseconds).
    public static let lastFailure = "sy-last-failure"
    /// Dead letters: the worker that gave up.
    public static let worker = "sy-worker"
    /// Dead letters: the work queue the message came from.
    public static let originQueue = "sy-origin-queue"
    /// Dead letters: the routing key it was first published with.
    public static let originRoutingKey = "sy-origin-routing-key"
    /// Retries: the earliest the handler may see the message again (epoch milliseconds), set
    /// when a `Retry-After` asks for longer than the longest retry tier.
    public static let notBefore = "sy-not-before"
}
