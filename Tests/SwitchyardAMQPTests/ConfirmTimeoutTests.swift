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
        let timedOut = AMQPError.confirmTimedOut(after: .seconds(1), sent: true)
        // Sequence numbers 1...4: deadlines at 1, 2, 3 s; the fourth has none.
        for index in 1...3 { state.awaitConfirm(log.waiter(index), deadline: start + .seconds(index)) }
        state.awaitConfirm(log.waiter(4))
        state.confirm(upTo: 2, multiple: false, nack: false)
        #expect(log.outcomes == [2: .confirmed])

        state.expireConfirms(at: start + .milliseconds(2_500), failingWith: timedOut)
        // 1 timed out; 2 was confirmed (out of order) already; 3 is not due.
        #expect(log.outcomes == [1: .failed(.confirmTimeout), 2: .confirmed])

        state.expireConfirms(at: start + .seconds(60), failingWith: timedOut)
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

        let (error, waited) = try await ServicesControl.whileBrokerBlocksPublishers {
            try await timedPublish(channel, "during", to: queue)
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

    /// The broker's `connection.blocked` and `connection.unblocked` reach
    /// ``AMQPConnection/blockedReason``. The broker blocks a connection once it publishes under
    /// the alarm: a connection that doesn't is never told.
    @Test func theBrokerSaysWhenItBlocksAPublishingConnectionAndWhenItStops() async throws {
        let publisher = try await connectToTestBroker(name: "blocked-publisher", confirmTimeout: .seconds(1))
        let channel = try await publisher.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        try await channel.publish(Array("before".utf8), exchange: "", routingKey: queue)
        let idle = try await connectToTestBroker(name: "blocked-idle")
        #expect(publisher.blockedReason == nil)

        let (reason, idleReason, timedOut) = try await ServicesControl.whileBrokerBlocksPublishers {
            let (timedOut, _) = try await timedPublish(channel, "during", to: queue)
            try await eventually("the broker to block the publishing connection", timeout: .seconds(10)) {
                publisher.blockedReason != nil
            }
            return (publisher.blockedReason, idle.blockedReason, timedOut)
        }
        #expect(timedOut?.code == .confirmTimeout, "\(String(describing: timedOut))")
        #expect(reason?.contains("memory") == true, "\(String(describing: reason))")
        #expect(idleReason == nil, "a connection that published nothing is not blocked")
        try await eventually("the broker to unblock the connection", timeout: .seconds(10)) { publisher.blockedReason == nil }
        try await channel.publish(Array("after".utf8), exchange: "", routingKey: queue)
        try await channel.deleteQueue(queue)
        await idle.close()
        await publisher.close()
    }

    /// With ``AMQPConnection/Configuration/blockedConfirmWait``, a publish the broker blocked
    /// fails with `blocked` that long after the broker said so, not at the (much longer) confirm
    /// timeout; so does one sent after the block. Once the alarm is lifted the broker takes both
    /// after all, their late acks are ignored, and the channel publishes and confirms again.
    @Test func aPublishTheBrokerBlockedFailsSoonAfterTheBlockNotAtTheTimeout() async throws {
        let publisher = try await connectToTestBroker(
            name: "blocked-confirm-wait", confirmTimeout: .seconds(20), blockedConfirmWait: .milliseconds(300))
        let channel = try await publisher.openChannel(confirms: true)
        let queue = try await makeQueue(channel, type: "quorum")
        try await channel.publish(Array("before".utf8), exchange: "", routingKey: queue)

        let (first, second) = try await ServicesControl.whileBrokerBlocksPublishers {
            let first = try await timedPublish(channel, "during", to: queue)
            let second = try await timedPublish(channel, "during again", to: queue)
            return (first, second)
        }
        let (blocked, waited) = first
        let failure = try #require(blocked, "the publish was confirmed under the alarm")
        #expect(failure.code == .blocked, "\(failure)")
        #expect(failure.message.contains("memory") && failure.message.contains("0.3 seconds"), "\(failure)")
        #expect(waited < .seconds(10), "waited \(waited), the confirm timeout is 20 s")
        let (blockedAgain, waitedAgain) = second
        #expect(blockedAgain?.code == .blocked, "\(String(describing: blockedAgain))")
        #expect(waitedAgain < .seconds(3), "waited \(waitedAgain), the broker had blocked the connection already")
        #expect(publisher.isOpen)

        try await eventually("the broker to unblock the connection", timeout: .seconds(10)) { publisher.blockedReason == nil }
        try await channel.publish(Array("after".utf8), exchange: "", routingKey: queue)
        let admin = try await connectToTestBroker(name: "blocked-confirm-wait-admin")
        let adminChannel = try await admin.openChannel()
        try await eventually("the blocked messages to be taken once the alarm is lifted", timeout: .seconds(30)) {
            try await adminChannel.declareQueuePassive(queue).messageCount == 4
        }
        try await channel.publish(Array("last".utf8), exchange: "", routingKey: queue)
        try await eventually("the last message to be counted", timeout: .seconds(10)) {
            try await adminChannel.declareQueuePassive(queue).messageCount == 5
        }
        try await adminChannel.deleteQueue(queue)
        await admin.close()
        await publisher.close()
    }

    /// Long enough under the alarm that the sockets' buffers fill, the loop waits in its write
    /// and runs no turns. A publish handed over meanwhile still fails at its deadline, without
    /// ever being sent; so does the large batch the write stopped in: the publishes it had laid
    /// out as unconfirmed, the rest as never sent.
    @Test func publishesTimeOutWhileTheLoopWaitsInAWriteAndOnesNotYetSentNeverAre() async throws {
        let name = TestEnvironment.uniqueName("confirm-timeout-stuck")
        let connection = try await connectToTestBroker(name: name, confirmTimeout: .seconds(1))
        let channel = try await connection.openChannel(confirms: true)
        let queue = try await makeQueue(channel)
        let (queued, waited, written, batchWaited) = try await ServicesControl.whileBrokerBlocksPublishers {
            let flooded = ContinuousClock.now
            let outcomes = floodWithLargeMessages(channel, queue: queue)
            try await waitUntilBrokerBlocks(connectionNamed: name)
            let (queued, waited) = try await timedPublish(channel, "queued", to: queue)
            var written: [Result<Void, AMQPError>] = []
            for await results in outcomes { written = results }
            return (queued, waited, written, ContinuousClock.now - flooded)
        }
        let notSent = try #require(queued, "the queued publish was confirmed under the alarm")
        #expect(notSent.code == .confirmTimeout && notSent.message.contains("not sent"), "\(notSent)")
        #expect(waited < .seconds(5), "waited \(waited), not the write's 30 s")

        // The batch was answered under the alarm, at its deadline, with the loop still in the write.
        #expect(batchWaited < .seconds(5), "the batch waited \(batchWaited), not the write's 30 s")
        #expect(written.count == 48)
        let codes = written.map { if case .failure(let error) = $0 { error.message.contains("not sent") ? "not sent" : "\(error.code)" } else { "confirmed" } }
        #expect(codes.first == "confirmTimeout", "\(codes)")
        #expect(codes.last == "not sent", "\(codes)")
        #expect(codes.allSatisfy { $0 == "confirmTimeout" || $0 == "not sent" }, "\(codes)")
        #expect(connection.isOpen)
        try await channel.publish(Array("after".utf8), exchange: "", routingKey: queue)

        // The broker took what had been written, the rest of the batch never went out, and
        // neither did the queued publish.
        let admin = try await connectToTestBroker(name: "confirm-timeout-stuck-admin")
        let adminChannel = try await admin.openChannel()
        var bodies: [Int: Int] = [:]
        while let message = try await adminChannel.get(queue: queue, autoAck: true) {
            bodies[message.body.count, default: 0] += 1
        }
        #expect(bodies[5] == 1, "\"after\"")
        #expect(bodies[6] == nil, "\"queued\" was never sent")
        #expect((1..<48).contains(bodies[1 << 20] ?? 0), "some of the batch was written, not all: \(bodies)")
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
