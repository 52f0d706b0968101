import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

/// Messages AMQP can't encode fail alone, before any byte is written, and the connection they
/// share with other publishers keeps working.
@Suite(.timeLimit(.minutes(2))) struct AMQPMessageLimitTests {
    @Test func aShortStringOver255BytesFailsThatMessageAloneAndTheChannelGoesOn() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        let good = { (id: String) in
            AMQPOutgoingMessage(exchange: "", routingKey: queue, body: Array(id.utf8), properties: AMQPProperties(messageID: id))
        }
        var tooLong = good("bad")
        tooLong.properties.correlationID = String(repeating: "c", count: 300)
        var hugeHeaders = good("huge")
        hugeHeaders.properties.headers = ["blob": .string(String(repeating: "h", count: 200_000))]
        var longKey = good("key")
        longKey.properties.headers = [String(repeating: "k", count: 200): "v"]
        var notANumber = good("nan")
        notANumber.properties.headers = ["nested": .table(["score": .double(.nan)])]

        let outcomes = await channel.publish([good("1"), tooLong, good("2"), hugeHeaders, longKey, good("3"), notANumber])
        let failures = outcomes.map { outcome -> AMQPError? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        #expect(failures[0] == nil && failures[2] == nil && failures[5] == nil, "the valid messages are confirmed")
        for index in [1, 3, 4, 6] {
            #expect(failures[index]?.code == .invalidMessage, "message \(index): \(String(describing: failures[index]))")
        }
        #expect(failures[1]?.message.contains("correlation_id is 300 bytes") == true)
        #expect(failures[6]?.message.contains("headers.nested.score is nan") == true, "RabbitMQ would close the channel on NaN")
        #expect(connection.isOpen, "the connection stays up")
        try await channel.publish(Array("after".utf8), exchange: "", routingKey: queue)
        #expect(try await channel.declareQueuePassive(queue).messageCount == 4)
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    @Test func aBodyOverTheMessageLimitFailsThatPublishAlone() async throws {
        let connection = try await connectToTestBroker(messageLimit: 4096)
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        let outcomes = await channel.publish([4096, 4097, 10].map {
            AMQPOutgoingMessage(exchange: "", routingKey: queue, body: [UInt8](repeating: 7, count: $0))
        })
        guard case .failure(let error) = outcomes[1] else {
            Issue.record("a body one byte over the limit was sent: \(outcomes[1])")
            return
        }
        #expect(error.code == .invalidMessage)
        #expect(error.message == "the body is 4097 bytes; this connection sends at most 4096")
        #expect(connection.isOpen, "the connection stays up")
        #expect(try await channel.declareQueuePassive(queue).messageCount == 2, "the bodies at and under the limit went")
        try await channel.deleteQueue(queue)
        await connection.close()
    }

    @Test func aDeliveryOverTheMessageLimitArrivesWithoutItsBodyAndTheNextOnesWhole() async throws {
        let producer = try await connectToTestBroker()
        let publisher = try await producer.openChannel(confirms: true)
        let queue = try await makeQueue(publisher)
        let fetchedQueue = try await makeQueue(publisher)
        let consumer = try await connectToTestBroker(messageLimit: 64 * 1024)
        let channel = try await consumer.openChannel()
        let large = [UInt8](repeating: 1, count: 1_000_000)  // eight body frames of 128 KiB
        let atLimit = (0..<(64 * 1024)).map { UInt8(truncatingIfNeeded: $0) }
        for (body, target) in [(large, queue), (atLimit, queue), (large, fetchedQueue), ([9], fetchedQueue)] {
            try await publisher.publish(body, exchange: "", routingKey: target, properties: AMQPProperties(messageID: "\(body.count)"))
        }

        let deliveries = try await channel.consume(queue: queue, prefetch: 2)
        var received: [AMQPDelivery] = []
        for try await delivery in deliveries {
            received.append(delivery)
            try channel.ack(delivery.deliveryTag)
            if received.count == 2 { break }
        }
        #expect(received[0].body.isEmpty && received[0].omittedBodySize == 1_000_000, "read past, not kept")
        #expect(received[0].properties.messageID == "1000000", "its properties arrive")
        #expect(received[1].body == atLimit && received[1].omittedBodySize == nil, "a body at the limit arrives whole")

        let fetchingChannel = try await consumer.openChannel()
        let fetchedLarge = try #require(try await fetchingChannel.get(queue: fetchedQueue))
        #expect(fetchedLarge.body.isEmpty && fetchedLarge.omittedBodySize == 1_000_000, "basic.get reads past it too")
        let fetchedSmall = try #require(try await fetchingChannel.get(queue: fetchedQueue))
        #expect(fetchedSmall.body == [9] && fetchedSmall.omittedBodySize == nil)
        try fetchingChannel.ack(fetchedSmall.deliveryTag, multiple: true)
        #expect(consumer.isOpen, "the connection stays up")
        try await publisher.deleteQueue(queue)
        try await publisher.deleteQueue(fetchedQueue)
        await consumer.close()
        await producer.close()
    }

    @Test func theLimitsAreCheckedWithoutABroker() throws {
        var message = AMQPOutgoingMessage(exchange: "", routingKey: "q", body: [])
        message.properties.messageID = String(repeating: "é", count: 128)  // 256 bytes in UTF-8
        #expect(throws: AMQPError.self) { try message.checkEncodable() }
        message.properties.messageID = String(repeating: "e", count: 255)
        try message.checkEncodable()
        message.routingKey = String(repeating: "r", count: 256)
        #expect(throws: AMQPError.self) { try message.checkEncodable() }
    }
}
