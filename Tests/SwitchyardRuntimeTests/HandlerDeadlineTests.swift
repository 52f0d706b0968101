@testable import SwitchyardAMQP
@testable import SwitchyardRuntime
import Foundation
import Synchronization
import Testing

/// A handler's deadline, now that its task starts on the caller's thread: a handler that ends
/// without waiting gives its outcome; one still busy on that thread past its deadline is a
/// timeout, and its task is cancelled when it first waits; one that waits past it frees its
/// caller at the deadline.
@Suite struct HandlerDeadlineTests {
    /// A role whose handler does what its closure says.
    private struct Role: WorkerRole {
        let name = "deadline-test"
        let body: @Sendable (WorkMessage) async -> HandlerOutcome

        func handle(_ message: WorkMessage) async -> HandlerOutcome {
            await body(message)
        }
    }

    private static func message() throws -> WorkMessage {
        var properties = AMQPProperties()
        properties.messageID = "deadline-test-1"
        properties.type = "probe.run"
        let delivery = AMQPDelivery(
            deliveryTag: 1, redelivered: false, exchange: "sy.events", routingKey: "probe.run", properties: properties, body: Array("{}".utf8))
        return try WorkMessage(delivery: delivery, queue: "sy.work.probe")
    }

    private static func errorClass(of outcome: HandlerOutcome) -> String? {
        switch outcome {
        case .success: nil
        case .transientFailure(let failure), .permanentFailure(let failure), .rateLimited(_, let failure), .deferred(_, let failure):
            failure.errorClass
        }
    }

    /// The thread the code calling this runs on.
    private static func currentThread() -> pthread_t {
        pthread_self()
    }

    @Test func aHandlerThatDoesNotWaitRunsOnItsCallersThreadAndGivesItsOutcome() async throws {
        let handlerThread = Mutex<pthread_t?>(nil)
        let role = Role { _ in
            handlerThread.withLock { $0 = Self.currentThread() }
            return .permanentFailure(HandlerFailure("validation", "refused"))
        }
        // A handler started as a task of its own (`Task {}`) lands on whichever pool thread takes
        // it first; on the caller's thread every time only when it starts there.
        for run in 0..<1_000 {
            let callerThread = Self.currentThread()
            let outcome = await HandlerDeadline.run(role, try Self.message(), timeout: .seconds(30))
            #expect(Self.errorClass(of: outcome) == "validation")
            #expect(handlerThread.withLock { $0 } == callerThread, "run \(run): the handler ran on another thread")
        }
    }

    @Test func aHandlerBusyOnTheCallersThreadPastItsDeadlineIsATimeoutAndIsCancelled() async throws {
        let sawCancellation = Mutex<Bool?>(nil)
        let role = Role { _ in
            // The deadline fires while the handler still holds the caller's thread; its task is
            // cancelled once it first suspends, which ends this wait early.
            let end = ContinuousClock.now + .milliseconds(400)
            while ContinuousClock.now < end {}
            try? await Task.sleep(for: .seconds(10))
            sawCancellation.withLock { $0 = Task.isCancelled }
            return .success(HandlerEffects())
        }
        let outcome = await HandlerDeadline.run(role, try Self.message(), timeout: .milliseconds(50))
        #expect(Self.errorClass(of: outcome) == "timeout")
        // The handler ends by itself: its ten-second wait ends early only if it was cancelled.
        let deadline = ContinuousClock.now + .seconds(5)
        while sawCancellation.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(sawCancellation.withLock { $0 } == true, "the handler's task is cancelled once it waits")
    }

    @Test func aHandlerThatWaitsPastItsDeadlineIgnoringCancellationFreesItsCallerAtTheDeadline() async throws {
        let role = Role { _ in
            let end = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
            return .success(HandlerEffects())
        }
        let started = ContinuousClock.now
        let outcome = await HandlerDeadline.run(role, try Self.message(), timeout: .milliseconds(200))
        let took = ContinuousClock.now - started
        #expect(Self.errorClass(of: outcome) == "timeout")
        #expect(took >= .milliseconds(200) && took < .seconds(3), "freed at the deadline, not when the handler ends: \(took)")
    }
}
