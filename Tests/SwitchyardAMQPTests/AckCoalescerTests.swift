@testable import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

/// Single acks collected in one loop turn leave as one `multiple` ack when they continue the
/// settled run, one by one otherwise; nothing is held back or acked that wasn't asked for.
@Suite(.timeLimit(.minutes(2))) struct AckCoalescerTests {
    typealias Frame = AckCoalescer.Frame

    @Test func aContiguousTurnIsOneMultipleAck() {
        var acks = AckCoalescer()
        for tag in [3, 1, 2, 4] as [UInt64] { acks.collect(tag) }
        #expect(acks.flush() == [Frame(tag: 4, multiple: true)])
        #expect(acks.settledThrough == 4)
        #expect(acks.flush() == [], "nothing collected, nothing sent")
    }

    @Test func acksBehindAGapGoOutOneByOneAtOnceAndTheGapClosingJoinsThem() {
        var acks = AckCoalescer()
        for tag in [1, 2, 4, 5] as [UInt64] { acks.collect(tag) }
        // 3 is still in a handler: 4 and 5 are not held back.
        #expect(acks.flush() == [Frame(tag: 2, multiple: true), Frame(tag: 4, multiple: false), Frame(tag: 5, multiple: false)])
        acks.collect(3)
        #expect(acks.flush() == [Frame(tag: 3, multiple: true)], "4 and 5 are acked: the frame must name 3")
        #expect(acks.settledThrough == 5)
        acks.collect(6)
        #expect(acks.flush() == [Frame(tag: 6, multiple: true)])
    }

    @Test func nacksAndRejectsCountAsSettled() {
        var acks = AckCoalescer()
        acks.noteSent(1, multiple: false)
        acks.collect(2)
        #expect(acks.flush() == [Frame(tag: 2, multiple: true)])
        acks.noteSent(10, multiple: true)
        acks.collect(11)
        acks.collect(13)
        #expect(acks.flush() == [Frame(tag: 11, multiple: true), Frame(tag: 13, multiple: false)])
    }

    /// On a real broker: 100 deliveries acked in a shuffled order in bursts, one held back and
    /// one rejected (dropped): the broker takes every ack (a wrong `multiple` tag would close
    /// the channel) and afterwards only the held one is back in the queue.
    @Test func onTheBrokerOnlyTheAckedDeliveriesLeaveTheQueue() async throws {
        let connection = try await connectToTestBroker()
        let publishing = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(publishing, type: "quorum")
        let messages = (0..<100).map {
            AMQPOutgoingMessage(exchange: "", routingKey: queue, body: Array("m\($0)".utf8))
        }
        #expect(await publishing.publish(messages).allSatisfy { (try? $0.get()) != nil })

        let consumer = try await connectToTestBroker(name: "ack-coalescer")
        let channel = try await consumer.openChannel()
        var deliveries: [AMQPDelivery] = []
        for try await delivery in try await channel.consume(queue: queue, prefetch: 200) {
            deliveries.append(delivery)
            if deliveries.count == 100 { break }
        }
        var order = deliveries.shuffled()
        let held = order.removeLast()
        let nacked = order.removeLast()
        try channel.reject(nacked.deliveryTag, requeue: false)
        for burst in stride(from: 0, to: order.count, by: 7) {
            for delivery in order[burst..<min(burst + 7, order.count)] { try channel.ack(delivery.deliveryTag) }
            try await Task.sleep(for: .milliseconds(2))
        }
        // Every settle has reached the broker once a round trip on the channel returns.
        _ = try await channel.declareQueuePassive(queue)
        await channel.close()
        try await eventually("the held delivery to be back in the queue", timeout: .seconds(10)) {
            (try? await publishing.declareQueuePassive(queue).messageCount) == 1
        }
        var bodies: [[UInt8]] = []
        while let message = try await publishing.get(queue: queue, autoAck: true) { bodies.append(message.body) }
        #expect(bodies == [held.body])
        try await publishing.deleteQueue(queue)
        await consumer.close()
        await connection.close()
    }
}
