@testable import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// The handler tasks' queue: highest lane first, and waiting tasks end when cancelled (a session
/// whose broker connection failed must be able to wind down).
@Suite struct LaneBufferTests {
    @Test func theHighLaneDrainsFirst() async {
        let buffer = LaneBuffer<String>(laneCount: 2)
        buffer.push("normal-1", lane: 1)
        buffer.push("high-1", lane: 0)
        buffer.push("normal-2", lane: 1)
        buffer.push("high-2", lane: 0)
        var order: [String] = []
        for _ in 0..<4 { order.append(await buffer.next() ?? "nil") }
        #expect(order == ["high-1", "high-2", "normal-1", "normal-2"])
    }

    @Test func aCancelledWaiterGetsNil() async throws {
        let buffer = LaneBuffer<String>(laneCount: 1)
        let waiter = Task { await buffer.next() }
        try await eventually("the handler task to park", timeout: .seconds(5)) { buffer.waitingCount == 1 }
        waiter.cancel()
        #expect(await waiter.value == nil)
        buffer.push("later", lane: 0)
        #expect(buffer.waitingCount == 0, "the cancelled waiter left the line")
        #expect(await buffer.next() == "later", "the cancelled waiter did not swallow the next item")
    }

    @Test func finishHandsBackWhatNoHandlerStarted() async {
        let buffer = LaneBuffer<String>(laneCount: 2)
        buffer.push("a", lane: 1)
        buffer.push("b", lane: 0)
        #expect(Set(buffer.finish()) == ["a", "b"])
        #expect(await buffer.next() == nil)
    }
}
