import Foundation
import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

/// A synchronous method the broker doesn't answer (a consume on a quorum queue whose Raft
/// server is suspended, as one that lost its quorum) holds the connection's thread only until
/// the RPC timeout, or until the connection is closed.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RPCTimeoutTests {
    /// The consume fails after the connection's RPC timeout, naming it, and the connection is
    /// closed; once the queue goes on, a new connection consumes from it.
    @Test func aMethodTheBrokerDoesNotAnswerEndsTheConnectionAfterTheRPCTimeout() async throws {
        let admin = try await connectToTestBroker(name: "rpc-timeout-admin")
        let adminChannel = try await admin.openChannel()
        let queue = try await makeQueue(adminChannel, type: "quorum")
        let connection = try await connectToTestBroker(name: "rpc-timeout", rpcTimeout: .seconds(2))
        let channel = try await connection.openChannel()

        let (error, waited) = try await ServicesControl.whileQueuesStopConfirming(vhost: "/", queue: queue) {
            try await timedConsume(channel, from: queue)
        }
        let failure = try #require(error, "the consume was answered while its queue was suspended")
        #expect(failure.code == .connectionClosed, "\(failure)")
        #expect(failure.message == "consuming from queue '\(queue)': the broker did not answer within 2.0 seconds; the connection was closed")
        #expect(waited >= .seconds(2) && waited < .seconds(6), "waited \(waited)")
        #expect(!connection.isOpen)

        let next = try await connectToTestBroker(name: "rpc-timeout-next", rpcTimeout: .seconds(2))
        _ = try await next.openChannel().consume(queue: queue, prefetch: 1)
        await next.close()
        try await adminChannel.deleteQueue(queue)
        await admin.close()
    }

    /// Without an RPC timeout, closing the connection ends a consume the broker doesn't answer:
    /// the close waits for the method as long as it would for its own `close-ok`, then shuts
    /// the socket down.
    @Test func closingAConnectionEndsAMethodTheBrokerDoesNotAnswer() async throws {
        let admin = try await connectToTestBroker(name: "rpc-close-admin")
        let adminChannel = try await admin.openChannel()
        let queue = try await makeQueue(adminChannel, type: "quorum")
        let connection = try await connectToTestBroker(name: "rpc-close", rpcTimeout: nil)
        let channel = try await connection.openChannel()

        let (error, closing) = try await ServicesControl.whileQueuesStopConfirming(vhost: "/", queue: queue) {
            let consume = Task { try await timedConsume(channel, from: queue) }
            // The consume waits for its answer on the connection's thread, where the close
            // queues up behind it.
            try await Task.sleep(for: .seconds(1))
            let started = ContinuousClock.now
            await connection.close()
            let closing = ContinuousClock.now - started
            return (try await consume.value.0, closing)
        }
        let failure = try #require(error, "the consume was answered while its queue was suspended")
        #expect(failure.code == .connectionClosed, "\(failure)")
        #expect(failure.message.hasPrefix("consuming from queue '\(queue)': "), "failed before it was sent: \(failure)")
        #expect(closing >= .seconds(4) && closing < .seconds(8), "closed after \(closing)")
        #expect(!connection.isOpen)

        try await adminChannel.deleteQueue(queue)
        await admin.close()
    }
}

/// Starts a consumer on `queue` and times it.
/// - Returns: The ``AMQPError`` it failed with (nil once consuming) and how long it took.
private func timedConsume(_ channel: AMQPChannel, from queue: String) async throws -> (AMQPError?, Duration) {
    let started = ContinuousClock.now
    do {
        _ = try await channel.consume(queue: queue, prefetch: 1)
        return (nil, ContinuousClock.now - started)
    } catch let error as AMQPError {
        return (error, ContinuousClock.now - started)
    }
}
