// A running consumer: an async sequence of deliveries.

/// The deliveries of one consumer, in the order the broker sent them.
///
/// The sequence ends without error when the channel or connection is closed by the client,
/// and throws ``AMQPError`` when the broker cancels the consumer or the connection is lost.
/// Dropping the iteration (task cancelled) cancels the consumer on the broker.
public struct AMQPConsumer: AsyncSequence, Sendable {
    public typealias Element = AMQPDelivery

    /// The channel the deliveries arrive on; settle them there.
    public let channel: AMQPChannel
    /// The consumer tag.
    public let tag: String
    let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>

    public func makeAsyncIterator() -> AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator {
        deliveries.makeAsyncIterator()
    }

    /// Cancels the consumer on the broker; the sequence then ends.
    public func cancel() async {
        let tag = tag
        let number = channel.number
        _ = try? await channel.loop.call { loop throws(AMQPError) in loop.cancelConsumer(tag, on: number) }
    }
}
