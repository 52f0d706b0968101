// The memory budget of large answers, on its own.

import Hummingbird
import SwitchyardAPI
import SwitchyardTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct AnswerBudgetTests {
    @Test func reservationsHoldTheirBytesUntilReleasedAndWaitersComeInInOrder() async throws {
        let budget = AnswerBudget(capacity: 100, wait: .seconds(30))
        var first: AnswerBudget.Reservation? = try await budget.reserve(60)
        #expect(budget.held == 60)
        let order = Order()
        let second = Task {
            let reservation = try await budget.reserve(50)
            await order.append("second")
            return reservation
        }
        try await eventually("the 50 to queue", timeout: .seconds(10)) { budget.waiting == 1 }
        let third = Task {
            let reservation = try await budget.reserve(30)
            await order.append("third")
            return reservation
        }
        try await eventually("the 30 to queue", timeout: .seconds(10)) { budget.waiting == 2 }
        #expect(await order.names.isEmpty, "30 would fit beside 60, but it waits behind 50")
        #expect(budget.held == 60)
        first = nil
        let secondReservation = try await second.value
        let thirdReservation = try await third.value
        #expect(await order.names == ["second", "third"])
        #expect(budget.held == 80 && budget.waiting == 0 && first == nil)
        withExtendedLifetime((secondReservation, thirdReservation)) {}
    }

    @Test func oneLargerThanTheBudgetHoldsAllOfIt() async throws {
        let budget = AnswerBudget(capacity: 100, wait: .seconds(30))
        let huge = try await budget.reserve(1_000)
        #expect(huge.bytes == 100 && budget.held == 100)
    }

    @Test func aWaitThatOutlastsTheDeadlineIsA503WithRetryAfter() async throws {
        let budget = AnswerBudget(capacity: 100, wait: .milliseconds(300))
        let held = try await budget.reserve(100)
        let started = ContinuousClock.now
        let error = await #expect(throws: APIError.self) { _ = try await budget.reserve(1) }
        #expect(error?.status == .serviceUnavailable && error?.code == "answers_busy" && error?.retryAfter == 1)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        #expect(budget.held == 100 && budget.waiting == 0, "the refused reservation holds nothing")
        withExtendedLifetime(held) {}
    }

    @Test func aCancelledWaitHoldsNothing() async throws {
        let budget = AnswerBudget(capacity: 10, wait: .seconds(30))
        var held: AnswerBudget.Reservation? = try await budget.reserve(10)
        let waiting = Task { try await budget.reserve(5) }
        try await eventually("the 5 to queue", timeout: .seconds(10)) { budget.waiting == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(budget.waiting == 0)
        held = nil
        #expect(budget.held == 0 && held == nil)
    }
}

/// The order in which reservations came in.
private actor Order {
    var names: [String] = []
    func append(_ name: String) { names.append(name) }
}
