// Where a consumer's deliveries go: called on the connection's thread as frames complete.

/// A consumer's receiving end, called by the connection's loop thread.
struct DeliverySink: Sendable {
    /// Takes one delivery; must not block.
    let deliver: @Sendable (AMQPDelivery) -> Void
    /// Called once when the consumer ends: nil when the client cancelled it or closed its
    /// channel or connection, the reason otherwise.
    let end: @Sendable (AMQPError?) -> Void

    /// A sink that feeds an `AsyncThrowingStream`.
    init(_ continuation: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation) {
        deliver = { continuation.yield($0) }
        end = { error in
            if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        }
    }

    init(deliver: @escaping @Sendable (AMQPDelivery) -> Void, end: @escaping @Sendable (AMQPError?) -> Void) {
        self.deliver = deliver
        self.end = end
    }
}
