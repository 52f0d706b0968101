import Foundation
@testable import SwitchyardAMQP
import SwitchyardTestSupport
import Synchronization
import Testing

/// A publish on a confirm channel gives up after the connection's confirm timeout, and the
/// channel goes on: a late ack for the timed-out publish is ignored, later publishes are matched
/// to their own confirms.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConfirmTimeoutTests {
    /// The bookkeeping alone: which publishes expire, and which confirm a late ack still reaches.
    @Test func expiredPublishesLeaveAndLateAcksReachOnlyTheOnesAfterThem() {
        let start = ContinuousClock.now
        let state = ChannelState(number: 1)
        state.confirmMode = true
        let log = OutcomeLog()
        // Sequence numbers 1...4: deadlines at 1, 2, 3 s; the fourth has none.
        for index in 1...3 { state.awaitConfirm(log.waiter(index), deadline: start + .seconds(index)) }
        state.awaitConfirm(log.waiter(4))
        state.confirm(upTo: 2, multiple: false, nack: false)
        #expect(log.outcomes == [2: .confirmed])

        state.expireConfirms(at: start + .milliseconds(2_500), timeout: .seconds(1))
        // 1 timed out; 2 was confirmed (out of order) already; 3 is not due.
        #expect(log.outcomes == [1: .failed(.confirmTimeout), 2: .confirmed])

        state.expireConfirms(at: start + .seconds(60), timeout: .seconds(1))
        #expect(log.outcomes[3] == .failed(.confirmTimeout))
        #expect(log.outcomes[4] == nil, "a publish without a deadline waits")

        // Late acks: for 1 and 3 (forgotten) nothing happens; `multiple` up to 4 reaches 4 only.
        state.confirm(upTo: 1, multiple: false, nack: false)
        state.confirm(upTo: 4, multiple: true, nack: false)
        #expect(log.outcomes == [1: .failed(.confirmTimeout), 2: .confirmed, 3: .failed(.confirmTimeout), 4: .confirmed])

        // The next publish, sequence 5, is matched to its own ack.
        state.awaitConfirm(log.waiter(5), deadline: start + .seconds(120))
        state.confirm(upTo: 5, multiple: false, nack: false)
        #expect(log.outcomes[5] == .confirmed)
    }

    /// Against the broker: under a memory alarm (the broker reads nothing from publishers) a
    /// publish fails with `confirmTimeout` after about the timeout; once the alarm is lifted the
    /// broker takes that message after all, and the same channel publishes and confirms again.
    @Test func aBlockedBrokerTimesThePublishOutAndTheChannelGoesOn() async throws {
        let connection = try await connectToTestBroker(name: "confirm-timeout", confirmTimeout: .seconds(1))
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel, type: "quorum")
        try await channel.publish(Array("before".utf8), exchange: "", routingKey: queue)

        let (error, waited) = try await ServicesControl.whileBrokerBlocksPublishers { () async throws -> (AMQPError?, Duration) in
            let started = ContinuousClock.now
            do {
                try await channel.publish(Array("during".utf8), exchange: "", routingKey: queue)
                return (nil, .zero)
            } catch let error as AMQPError {
                return (error, ContinuousClock.now - started)
            }
        }
        let timedOut = try #require(error, "the publish was confirmed under the alarm")
        #expect(timedOut.code == .confirmTimeout, "\(timedOut)")
        #expect(timedOut.message.contains("1.0 seconds"), "\(timedOut)")
        #expect(waited >= .seconds(1) && waited < .seconds(5), "waited \(waited)")
        #expect(connection.isOpen)

        try await channel.publish(Array("after".utf8), exchange: "", routingKey: queue)
        let admin = try await connectToTestBroker(name: "confirm-timeout-admin")
        let adminChannel = try await admin.openChannel()
        try await eventually("the timed-out message to be taken once the alarm is lifted", timeout: .seconds(30)) {
            try await adminChannel.declareQueuePassive(queue).messageCount == 3
        }
        try await adminChannel.deleteQueue(queue)
        await admin.close()
        await connection.close()
    }
}

/// What each publish of ``ConfirmTimeoutTests`` heard, by its number.
private final class OutcomeLog: Sendable {
    enum Outcome: Equatable {
        case confirmed
        case failed(AMQPError.Code)
    }

    private let state = Mutex<[Int: Outcome]>([:])

    var outcomes: [Int: Outcome] { state.withLock { $0 } }

    /// A waiter that records its outcome as `index`.
    func waiter(_ index: Int) -> PublishWaiter {
        let batch = PublishBatch(count: 1) { [self] results in
            state.withLock {
                $0[index] = if case .failure(let error) = results[0] { .failed(error.code) } else { .confirmed }
            }
        }
        return .batch(batch, index: 0)
    }
}
