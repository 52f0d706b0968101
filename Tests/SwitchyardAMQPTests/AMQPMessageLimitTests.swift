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
