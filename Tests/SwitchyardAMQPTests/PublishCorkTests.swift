// A loop turn's publishes held in the socket (TCP_CORK) from the second one on, and released
// when the turn ends.

@testable import SwitchyardAMQP
import SwitchyardTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct PublishCorkTests {
    /// The first publish of a turn goes out at once; from the second the socket holds the
    /// segments; the turn's end releases them, so nothing waits for the kernel's cork timeout.
    @Test func aTurnsPublishesAreHeldFromTheSecondOneAndReleasedWhenTheTurnEnds() async throws {
        let connection = try await connectToTestBroker()
        let seen = try await connection.loop.call { loop in
            var states = [loop.socketHoldsSegments]
            loop.holdSegmentsIfSeveralPublishes()
            states.append(loop.socketHoldsSegments)
            loop.holdSegmentsIfSeveralPublishes()
            states.append(loop.socketHoldsSegments)
            return states
        }
        #expect(seen == [false, false, true])
        #expect(try await connection.loop.call { $0.socketHoldsSegments } == false, "released at the turn's end")

        // A batch of publishes, each counted: all confirmed, and the socket released after.
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel, type: "classic")
        let outcomes = await channel.publish((0..<50).map { index in
            AMQPOutgoingMessage(exchange: "", routingKey: queue, body: Array("m\(index)".utf8))
        })
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        #expect(try await channel.declareQueuePassive(queue).messageCount == 50)
        #expect(try await connection.loop.call { $0.socketHoldsSegments } == false)
        await connection.close()
    }
}
