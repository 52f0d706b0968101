import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct AMQPErrorTests {
    @Test func redeclaringAQueueWithOtherArgumentsNamesTheQueueAndTheArgument() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel()
        let queue = try await makeQueue(channel, type: "quorum", arguments: ["x-delivery-limit": 10])
        do {
            try await channel.declareQueue(queue, arguments: ["x-queue-type": "quorum", "x-delivery-limit": 5])
            Issue.record("the broker accepted different arguments")
        } catch let error as AMQPError {
            #expect(error.code == .channelClosed)
            #expect(error.replyCode == 406)
            #expect(error.message.contains(queue))
            #expect(error.message.contains("x-delivery-limit"))
        }
        // The channel is closed, the connection is not.
        await #expect(throws: AMQPError.self) { try await channel.declareQueuePassive(queue) }
        let fresh = try await connection.openChannel()
        #expect(try await fresh.declareQueuePassive(queue).name == queue)
        try await fresh.deleteQueue(queue)
        await connection.close()
    }

    @Test func passiveDeclareReportsCountsAndAMissingQueue() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        for _ in 0..<3 { try await channel.publish([0], exchange: "", routingKey: queue) }
        let consumerChannel = try await connection.openChannel()
        let consumer = try await consumerChannel.consume(queue: queue, prefetch: 1)
        let status = try await channel.declareQueuePassive(queue)
        #expect(status.consumerCount == 1)
        #expect(status.messageCount >= 2)
        await consumer.cancel()

        let missing = TestEnvironment.uniqueName("test.amqp.missing")
        do {
            _ = try await channel.declareQueuePassive(missing)
            Issue.record("a missing queue was reported present")
        } catch let error as AMQPError {
            #expect(error.replyCode == 404)
            #expect(error.message.contains(missing))
        }
        let cleanup = try await connection.openChannel()
        try await cleanup.deleteQueue(queue)
        await connection.close()
    }

    @Test func consumingAMissingQueueFailsAndTheConsumerOfADeletedQueueEnds() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel()
        await #expect(throws: AMQPError.self) {
            _ = try await channel.consume(queue: TestEnvironment.uniqueName("test.amqp.none"), prefetch: 1)
        }
        let working = try await connection.openChannel()
        let queue = try await makeQueue(working)
        let consumer = try await working.consume(queue: queue, prefetch: 1)
        let admin = try await connection.openChannel()
        try await admin.deleteQueue(queue)
        do {
            for try await _ in consumer {}
            Issue.record("the consumer ended without an error")
        } catch let error as AMQPError {
            #expect(error.code == .consumerCancelled)
        }
        await connection.close()
    }

    @Test func wrongCredentialsAndAClosedPortGiveClearErrors() async throws {
        var configuration = try AMQPConnection.Configuration(url: TestEnvironment.amqpURL)
        configuration.password = "wrong"
        do {
            _ = try await AMQPConnection.connect(configuration)
            Issue.record("logged in with a wrong password")
        } catch let error as AMQPError {
            #expect(error.code == .accessRefused)
            #expect(error.replyCode == 403)
        }
        var closed = try AMQPConnection.Configuration(url: TestEnvironment.amqpURL)
        closed.port = 1
        do {
            _ = try await AMQPConnection.connect(closed)
            Issue.record("connected to a closed port")
        } catch let error as AMQPError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("127.0.0.1:1"))
        }
    }

    @Test func usingAClosedConnectionThrowsInsteadOfHanging() async throws {
        let connection = try await connectToTestBroker()
        let channel = try await connection.openChannel(confirms: true)
        await connection.close()
        await connection.close()
        do {
            try await channel.publish([1], exchange: "", routingKey: "anything")
            Issue.record("published on a closed connection")
        } catch let error as AMQPError {
            #expect(error.code == .connectionClosed)
        }
        #expect(throws: AMQPError.self) { try channel.ack(1) }
    }
}

@Suite(.timeLimit(.minutes(1))) struct AMQPHeartbeatTests {
    /// With a 1 s heartbeat the broker drops a silent client after about 2 s; an idle
    /// connection that outlives 4 s proves the idle loop thread still reads the broker's
    /// heartbeats and answers with its own (a loop that slept until the next command would not).
    @Test func anIdleConnectionStaysOpenOnHeartbeats() async throws {
        var configuration = try AMQPConnection.Configuration(url: TestEnvironment.amqpURL)
        configuration.heartbeat = 1
        let connection = try await AMQPConnection.connect(configuration)
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        try await Task.sleep(for: .seconds(4))
        #expect(connection.isOpen)
        try await channel.publish([1], exchange: "", routingKey: queue)
        #expect(try await channel.declareQueuePassive(queue).messageCount == 1)
        try await channel.deleteQueue(queue)
        await connection.close()
    }
}
