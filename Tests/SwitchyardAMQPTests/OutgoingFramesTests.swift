// A loop turn's publishes and settlements written to the socket together, a large message
// written at once instead of waiting in the buffer, and a failed write ending the connection.

import Foundation
@testable import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct OutgoingFramesTests {
    /// A batch of publishes is one command, run in one turn: its 150 frames leave in one
    /// write (rabbitmq-c makes one per frame), arrive intact and in order, and settlements
    /// laid out in one turn leave in one write too.
    @Test func aTurnsPublishesAndSettlementsLeaveInOneWrite() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        let writes = { try await connection.loop.call { $0.outgoing.writes } }

        let before = try await writes()
        let outcomes = await channel.publish((0..<50).map { index in
            AMQPOutgoingMessage(
                exchange: "", routingKey: queue, body: Array("m\(index)".utf8),
                properties: AMQPProperties(headers: ["index": .int32(Int32(index))], messageID: "id-\(index)"))
        })
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        #expect(try await writes() - before == 1)

        var tags: [UInt64] = []
        for index in 0..<50 {
            let delivery = try #require(try await channel.get(queue: queue))
            #expect(delivery.body == Array("m\(index)".utf8))
            #expect(delivery.properties.messageID == "id-\(index)")
            #expect(delivery.properties.headers?["index"]?.intValue == index)
            tags.append(delivery.deliveryTag)
        }
        let beforeSettling = try await writes()
        let number = channel.number
        let settled = tags
        try await connection.loop.call { loop in
            for tag in settled { loop.settle(tag, .reject(requeue: false), on: number) }
        }
        #expect(try await writes() - beforeSettling == 1)
        #expect(try await channel.declareQueuePassive(queue).messageCount == 0)
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    /// A message larger than the write threshold is written as soon as it is laid out, so the
    /// buffer never holds more than one such message; each arrives byte for byte.
    @Test func largeMessagesAreWrittenAsTheyAreLaidOut() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        let writes = { try await connection.loop.call { $0.outgoing.writes } }
        let bodies = (0..<3).map { index in
            (0..<(ConnectionLoop.outgoingWriteThreshold + 1_000)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        }

        let before = try await writes()
        let outcomes = await channel.publish(bodies.map { AMQPOutgoingMessage(exchange: "", routingKey: queue, body: $0) })
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        #expect(try await writes() - before == 3, "one write per message, none left for the turn's end")
        for body in bodies {
            #expect(try await channel.get(queue: queue, autoAck: true)?.body == body)
        }
        try await channel.deleteQueue(queue)
        await connection.close()
    }
}

extension OutgoingFramesTests {
    /// A write the socket refuses (here: shut for writing in the same turn, so the broker's
    /// close can't be read first) ends the connection like any socket failure: the publish
    /// waiting for its write fails with the cause, and a consumer on the connection ends with
    /// that error instead of finishing as if we had closed it.
    @Test func aFailedWriteEndsTheConnectionAndFailsWhatWaitedForIt() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel()
        let queue = try await makeQueue(channel)
        let deliveries = try await channel.consume(queue: queue, prefetch: 1)
        let number = channel.number
        let message = AMQPOutgoingMessage(exchange: "", routingKey: queue, body: Array("lost".utf8))

        let outcomes = await withUnsafeContinuation { (continuation: UnsafeContinuation<[Result<Void, AMQPError>], Never>) in
            let batch = PublishBatch(count: 1) { continuation.resume(returning: $0) }
            do throws(AMQPError) {
                try connection.loop.submit(.perform { loop in
                    if let socket = loop.socket { _ = shutdown(socket, Int32(SHUT_WR)) }
                    loop.publish(message, on: number, waiter: .batch(batch, index: 0), deadline: nil)
                })
            } catch {
                batch.complete(0, with: .failure(error))
            }
        }
        let error = try #require(outcomes.first.flatMap { outcome -> AMQPError? in
            if case .failure(let error) = outcome { error } else { nil }
        })
        #expect(error.code == .connectionClosed && error.message.hasPrefix("writing to the broker"), "\(error)")
        #expect(error.libraryStatus != nil)
        #expect(!connection.isOpen)
        await #expect(throws: AMQPError.self, "the consumer ends with the error") {
            for try await _ in deliveries {}
        }

        let cleanup = try await connectToTestBroker(name: "test-cleanup")
        let other = try await cleanup.openChannel()
        try await other.deleteQueue(queue)
        await cleanup.close()
    }
}
