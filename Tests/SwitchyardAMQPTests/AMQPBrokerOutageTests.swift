import Foundation
import SwitchyardAMQP
import SwitchyardTestSupport
import Synchronization
import Testing

/// Stops the broker application while a publisher and a consumer are busy, then starts it
/// again. Runs alone (`.serialized` and `scripts/test` runs suites one after another).
@Suite(.serialized, .timeLimit(.minutes(3))) struct AMQPBrokerOutageTests {
    @Test func aBrokerStoppedMidStreamGivesAClearErrorAndANewConnectionWorksAfterRestart() async throws {
        let publisher = try await connectToTestBroker(name: "outage-publisher")
        let consumer = try await connectToTestBroker(name: "outage-consumer")
        let channel = try await publisher.openChannel(confirms: true)
        let queue = try await makeQueue(channel, type: "quorum")

        let confirmed = Atomic<Int>(0)
        let acked = Atomic<Int>(0)
        let publishing = Task<AMQPError?, Never> {
            var index = 0
            while true {
                do {
                    try await channel.publish(
                        Array("message \(index)".utf8), exchange: "", routingKey: queue,
                        properties: AMQPProperties(deliveryMode: AMQPProperties.persistent))
                    confirmed.add(1, ordering: .relaxed)
                    index += 1
                } catch let error as AMQPError {
                    return error
                } catch {
                    return nil
                }
            }
        }
        let consuming = Task<(any Error)?, Never> {
            do {
                let consumerChannel = try await consumer.openChannel()
                for try await delivery in try await consumerChannel.consume(queue: queue, prefetch: 50) {
                    try consumerChannel.ack(delivery.deliveryTag)
                    acked.add(1, ordering: .relaxed)
                }
                return nil
            } catch {
                return error
            }
        }

        // Mid-stream: wait (with a deadline) until both sides are moving.
        let deadline = Date().addingTimeInterval(30)
        while confirmed.load(ordering: .relaxed) < 500 || acked.load(ordering: .relaxed) < 100 {
            try #require(Date() < deadline, "publishing and consuming did not get going")
            try await Task.sleep(for: .milliseconds(10))
        }
        try ServicesControl.run("rabbitmqctl", "stop_app")
        var restarted = false
        defer { if !restarted { try? ServicesControl.run("rabbitmqctl", "start_app") } }

        let publishError = try #require(await publishing.value)
        #expect(publishError.code == .connectionClosed)
        #expect(publishError.replyCode == 320, "\(publishError)")
        let consumeError = await consuming.value
        #expect((consumeError as? AMQPError)?.code == .connectionClosed)
        #expect(!publisher.isOpen)
        #expect(!consumer.isOpen)
        await #expect(throws: AMQPError.self) { _ = try await publisher.openChannel() }

        try ServicesControl.run("rabbitmqctl", "start_app")
        restarted = true
        let fresh = try await connectToTestBroker(name: "outage-after")
        let admin = try await fresh.openChannel()
        // Nothing confirmed was lost: what was acked plus what waits covers every confirm.
        let waiting = try await admin.declareQueuePassive(queue).messageCount
        #expect(Int(waiting) + acked.load(ordering: .relaxed) >= confirmed.load(ordering: .relaxed))
        try await admin.deleteQueue(queue)
        await fresh.close()
    }

    /// The broker closes the connection while the publisher is stuck in a write (a memory
    /// alarm: the broker reads nothing, so the socket's buffers are full). The write fails with
    /// a reset; the error is still the broker's `connection.close`, read from what the socket
    /// held, not the reset.
    @Test func aWriteCutOffByTheBrokersCloseReportsTheClose() async throws {
        let name = TestEnvironment.uniqueName("outage-stuck-writer")
        let publisher = try await connectToTestBroker(name: name)
        let channel = try await publisher.openChannel(confirms: true)
        let queue = try await makeQueue(channel)

        let publishError = try await ServicesControl.whileBrokerBlocksPublishers { () async throws -> AMQPError? in
            let outcomes = floodWithLargeMessages(channel, queue: queue)
            try await waitUntilBrokerBlocks(connectionNamed: name)
            try ServicesControl.run("rabbitmqctl", "stop_app")
            defer { try? ServicesControl.run("rabbitmqctl", "start_app") }
            for await results in outcomes {
                return results.compactMap { result -> AMQPError? in
                    if case .failure(let error) = result { return error }
                    return nil
                }.first
            }
            return nil
        }

        let error = try #require(publishError, "every message was confirmed")
        #expect(error.code == .connectionClosed)
        #expect(error.replyCode == 320, "\(error)")
        #expect(!publisher.isOpen)
        let fresh = try await connectToTestBroker(name: "outage-stuck-writer-after")
        let admin = try await fresh.openChannel()
        try await admin.deleteQueue(queue)
        await fresh.close()
    }
}
