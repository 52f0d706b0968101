import SwitchyardAMQP
import SwitchyardTestSupport
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(3))) struct AMQPPublishConsumeTests {
    /// 20,000 persistent messages with pipelined confirms, consumed with manual acks on a
    /// separate connection: each arrives exactly once.
    @Test(arguments: ["classic", "quorum"])
    func everyConfirmedMessageArrivesExactlyOnce(queueType: String) async throws {
        let count = 20_000
        let publisher = try await connectToTestBroker(name: "test-publisher")
        let consumer = try await connectToTestBroker(name: "test-consumer")
        let channel = try await publisher.openChannel(confirms: true)
        let queue = try await makeQueue(channel, type: queueType)

        let payload = [UInt8](repeating: 0x61, count: 512)
        for start in stride(from: 0, to: count, by: 500) {
            let messages = (start..<min(start + 500, count)).map { index in
                AMQPOutgoingMessage(
                    exchange: "", routingKey: queue, body: payload,
                    properties: AMQPProperties(deliveryMode: AMQPProperties.persistent, messageID: String(index)))
            }
            let outcomes = await channel.publish(messages)
            #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        }
        #expect(try await channel.declareQueuePassive(queue).messageCount == UInt32(count))

        let consuming = try await consumer.openChannel()
        var seen = Set<Int>()
        var duplicates = 0
        for try await delivery in try await consuming.consume(queue: queue, prefetch: 300) {
            let index = Int(delivery.properties.messageID ?? "") ?? -1
            if !seen.insert(index).inserted { duplicates += 1 }
            #expect(delivery.body == payload)
            try consuming.ack(delivery.deliveryTag)
            if seen.count == count { break }
        }
        #expect(duplicates == 0)
        #expect(seen == Set(0..<count))
        await consuming.close()
        #expect(try await channel.declareQueuePassive(queue).messageCount == 0)
        try await channel.deleteQueue(queue)
        await publisher.close()
        await consumer.close()
    }

    @Test func concurrentSinglePublishesArePipelinedAndEachConfirmed() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    try await channel.publish(Array("m\(index)".utf8), exchange: "", routingKey: queue)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await channel.declareQueuePassive(queue).messageCount == 1_000)
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    @Test func aMandatoryMessageThatMatchesNoQueueIsReportedUnroutable() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let (exchange, queue) = try await makeRoutedQueue(channel)

        let outcomes = await channel.publish([
            AMQPOutgoingMessage(exchange: exchange, routingKey: "routed", body: [1], mandatory: true),
            AMQPOutgoingMessage(exchange: exchange, routingKey: "nowhere", body: [2], mandatory: true),
            AMQPOutgoingMessage(exchange: exchange, routingKey: "routed", body: [3], mandatory: true),
            AMQPOutgoingMessage(exchange: exchange, routingKey: "nowhere", body: [4], mandatory: false),
        ])
        #expect((try? outcomes[0].get()) != nil)
        #expect((try? outcomes[2].get()) != nil)
        #expect((try? outcomes[3].get()) != nil, "a non-mandatory unroutable message is dropped silently")
        guard case .failure(let error) = outcomes[1] else {
            Issue.record("the unroutable mandatory message was confirmed")
            return
        }
        #expect(error.code == .unroutable)
        #expect(error.replyCode == 312)
        #expect(error.message.contains("nowhere"))
        await #expect(throws: AMQPError.self) {
            try await channel.publish([9], exchange: exchange, routingKey: "nowhere", mandatory: true)
        }
        #expect(try await channel.declareQueuePassive(queue).messageCount == 2)
        try await channel.deleteQueue(queue)
        try await channel.deleteExchange(exchange)
        await connection.close()
    }

    /// The publish that doesn't wait (a committer's follow-ups, from its database thread):
    /// the outcomes come once, in order, after the confirms; on a closed connection at once,
    /// each one the connection's error.
    @Test func aPublishThatDoesNotWaitReportsItsOutcomesOnce() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let (exchange, queue) = try await makeRoutedQueue(channel)
        let messages = [
            AMQPOutgoingMessage(exchange: exchange, routingKey: "routed", body: [1], mandatory: true),
            AMQPOutgoingMessage(exchange: exchange, routingKey: "nowhere", body: [2], mandatory: true),
        ]
        let calls = Mutex(0)
        let outcomes = await withUnsafeContinuation { (continuation: UnsafeContinuation<[Result<Void, AMQPError>], Never>) in
            channel.publish(messages) { outcomes in
                calls.withLock { $0 += 1 }
                continuation.resume(returning: outcomes)
            }
        }
        #expect(outcomes.count == 2)
        #expect((try? outcomes[0].get()) != nil)
        #expect(throws: AMQPError.self, "the unroutable one") { try outcomes[1].get() }
        #expect(try await channel.declareQueuePassive(queue).messageCount == 1, "the confirm came after the broker had it")
        #expect(calls.withLock { $0 } == 1)

        try await channel.deleteQueue(queue)
        try await channel.deleteExchange(exchange)
        await connection.close()
        let closed = Mutex<[Result<Void, AMQPError>]?>(nil)
        channel.publish(messages) { outcomes in closed.withLock { $0 = outcomes } }
        let refused = try #require(closed.withLock { $0 }, "a closed connection answers before publish returns")
        #expect(refused.count == 2)
        for outcome in refused {
            #expect(throws: AMQPError.self) { try outcome.get() }
        }
    }

    @Test func propertiesAndHeadersRoundTrip() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        let headers: AMQPTable = [
            "bool": true, "int8": .int8(-8), "int16": .int16(-16), "int32": .int32(-32), "int64": .int64(-64),
            "double": .double(2.5), "float": .float(1.5), "text": "grüße ✓", "bytes": .bytes([0, 255, 7]),
            "timestamp": .timestamp(1_700_000_000), "array": .array([1, "two", .bool(false)]),
            "table": .table(["nested": "yes", "n": 3]), "void": .void, "decimal": .decimal(scale: 2, value: 314),
        ]
        let properties = AMQPProperties(
            contentType: "application/json", contentEncoding: "identity", headers: headers,
            deliveryMode: AMQPProperties.persistent, priority: 3, correlationID: "job-1", replyTo: "replies",
            expiration: "60000", messageID: "7c0e8d1c-0a8e-4d3e-9a53-8f6c1b1b3b6e", timestamp: 1_700_000_001,
            type: "probe.run", userID: "guest", appID: "switchyard-tests")
        try await channel.publish(Array(#"{"v":1}"#.utf8), exchange: "", routingKey: queue, properties: properties)
        let delivery = try #require(try await channel.get(queue: queue))
        #expect(delivery.properties == properties)
        #expect(delivery.body == Array(#"{"v":1}"#.utf8))
        #expect(delivery.routingKey == queue)
        #expect(delivery.exchange == "")
        try channel.ack(delivery.deliveryTag)
        #expect(try await channel.get(queue: queue) == nil)
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    @Test func headersNestedDeeperThanTheLimitArriveCutOff() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        /// `levels` tables inside each other under the key "a", the innermost holding `inner`.
        func nested(_ levels: Int, inner: AMQPFieldValue) -> AMQPFieldValue {
            (0..<levels).reduce(inner) { value, _ in .table(["a": value]) }
        }
        let limit = AMQPFieldValue.maximumDepth
        let fits: AMQPTable = ["a": nested(limit - 2, inner: .array(["deepest"]))]
        let tooDeep: AMQPTable = ["a": nested(3_000, inner: "never read"), "sy-tenant": "kept"]
        try await channel.publish([1], exchange: "", routingKey: queue, properties: AMQPProperties(headers: fits))
        try await channel.publish([2], exchange: "", routingKey: queue, properties: AMQPProperties(headers: tooDeep))

        let whole = try #require(try await channel.get(queue: queue))
        #expect(whole.properties.headers == fits, "\(limit) levels (the headers, \(limit - 2) tables, an array) arrive whole")
        let cut = try #require(try await channel.get(queue: queue))
        #expect(cut.properties.headers == ["a": nested(limit - 2, inner: .table(["a": AMQPFieldValue.cutOff])), "sy-tenant": "kept"])
        #expect(AMQPFieldValue.cutOff.stringValue == "(nested deeper than 32 levels: left out)")
        try channel.ack(cut.deliveryTag, multiple: true)
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    @Test func anEmptyAndALargeMultiFrameBodyArriveIntact() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        let large = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await channel.publish([], exchange: "", routingKey: queue)
        try await channel.publish(large, exchange: "", routingKey: queue)
        let consumer = try await channel.consume(queue: queue, prefetch: 10)
        var bodies: [[UInt8]] = []
        for try await delivery in consumer {
            bodies.append(delivery.body)
            try channel.ack(delivery.deliveryTag)
            if bodies.count == 2 { break }
        }
        #expect(bodies.first == [])
        #expect(bodies.last == large)
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    @Test func nackWithRequeueRedeliversAndRejectWithoutRequeueDrops() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        try await channel.publish([1], exchange: "", routingKey: queue)
        let first = try #require(try await channel.get(queue: queue))
        #expect(!first.redelivered)
        try channel.nack(first.deliveryTag, requeue: true)
        let second = try #require(try await channel.get(queue: queue))
        #expect(second.redelivered)
        #expect(second.body == [1])
        try channel.reject(second.deliveryTag, requeue: false)
        #expect(try await channel.get(queue: queue) == nil)
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    @Test func unackedDeliveriesReturnToTheQueueWhenTheConsumerConnectionCloses() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        for index in 0..<5 { try await channel.publish([UInt8(index)], exchange: "", routingKey: queue) }

        let consumerConnection = try await connectToTestBroker()
        let consuming = try await consumerConnection.openChannel()
        var received = 0
        for try await _ in try await consuming.consume(queue: queue, prefetch: 5) {
            received += 1
            if received == 5 { break }
        }
        await consumerConnection.close()
        #expect(!consumerConnection.isOpen)
        #expect(try await channel.declareQueuePassive(queue).messageCount == 5)
        try await channel.deleteQueue(queue)
        await connection.close()
    }
}

/// The consumer that hands deliveries over on the connection's thread (the worker's): every
/// delivery in order, and one `ended` call saying why the consumer stopped.
@Suite(.timeLimit(.minutes(2))) struct AMQPDeliveryHandlerTests {
    @Test func deliveriesArriveInOrderAndEndedSaysWhoStoppedTheConsumer() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel, type: "quorum")
        let other = try await makeQueue(channel)
        let messages = (0..<50).map { AMQPOutgoingMessage(exchange: "", routingKey: queue, body: Array("m\($0)".utf8)) }
        #expect(await channel.publish(messages).allSatisfy { (try? $0.get()) != nil })

        let consuming = try await connection.openChannel()
        let (events, event) = AsyncStream.makeStream(of: String.self)
        _ = try await consuming.consume(
            queue: queue, prefetch: 100,
            deliver: { delivery in
                try? consuming.ack(delivery.deliveryTag)
                event.yield(String(decoding: delivery.body, as: UTF8.self))
            },
            ended: { error in event.yield("ended: \(error.map { "\($0.code)" } ?? "nil")") })
        let otherTag = try await consuming.consume(
            queue: other, prefetch: 10, deliver: { _ in }, ended: { error in event.yield("other ended: \(error.map { "\($0.code)" } ?? "nil")") })
        var seen: [String] = []
        for await item in events {
            seen.append(item)
            if seen.count == 50 { break }
        }
        #expect(seen == (0..<50).map { "m\($0)" })
        await consuming.cancelConsumer(otherTag)
        _ = try await channel.deleteQueue(queue)
        var endings: [String] = []
        for await item in events {
            endings.append(item)
            if endings.count == 2 { break }
        }
        #expect(Set(endings) == ["other ended: nil", "ended: consumerCancelled"], "\(endings)")
        _ = try await channel.deleteQueue(other)
        await connection.close()
    }
}
