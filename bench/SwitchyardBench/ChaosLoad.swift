// The chaos run's producer: probe events at a fixed rate, each retried with its own id until it
// is confirmed (as a client would), published either straight to the broker with confirms or
// through the ingress's POST /v1/events with an Idempotency-Key.

import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardIngress
import Synchronization

/// Which ids were sent and which the broker (or the ingress) confirmed, and why attempts failed.
final class ChaosLedger: Sendable {
    private let state = Mutex<(published: Int, confirmed: Set<Int>, attempts: Int, failures: [String: Int])>((0, [], 0, [:]))

    func published(_ number: Int) { state.withLock { $0.published = max($0.published, number + 1) } }
    func attempted() { state.withLock { $0.attempts += 1 } }
    func confirmed(_ number: Int) { state.withLock { _ = $0.confirmed.insert(number) } }
    /// Counts a failed attempt under `kind` (an AMQP error code, an HTTP status).
    func failed(_ kind: String) { state.withLock { $0.failures[kind, default: 0] += 1 } }
    var snapshot: (published: Int, confirmed: Set<Int>, attempts: Int, failures: [String: Int]) { state.withLock { $0 } }
}

/// Sends probe events and retries each until confirmed.
struct ChaosLoad: Sendable {
    /// Where the events go.
    enum Target: Sendable {
        case broker(BrokerPublisher)
        case ingress(url: String, apiKey: String, client: HTTPClient)
    }

    let runID: String
    let rate: Int
    let failShare: Double
    let target: Target
    let ledger = ChaosLedger()

    /// The probe id of event `number`.
    func id(_ number: Int) -> String { "\(runID)-\(number)" }

    /// Whether event `number` fails once before it succeeds (every 1/failShare-th event).
    func failsOnce(_ number: Int) -> Bool {
        failShare > 0 && number % max(1, Int((1 / failShare).rounded())) == 0
    }

    private func body(_ number: Int) -> String {
        #"{"v":1,"id":"\#(id(number))","transient_failures":\#(failsOnce(number) ? 1 : 0)}"#
    }

    /// Publishes at `rate` for `duration`, then keeps retrying what is unconfirmed until
    /// `retryUntil`. Each event's task retries it every 250 ms until the broker or ingress
    /// confirms it.
    func run(for duration: Duration, retryUntil: ContinuousClock.Instant) async {
        let started = ContinuousClock.now
        let interval = Duration.seconds(1) / rate
        await withTaskGroup(of: Void.self) { group in
            var number = 0
            while true {
                let scheduled = started + interval * number
                guard scheduled < started + duration else { break }
                try? await Task.sleep(until: scheduled, clock: .continuous)
                let current = number
                ledger.published(current)
                group.addTask {
                    while ContinuousClock.now < retryUntil {
                        ledger.attempted()
                        if await send(current) {
                            ledger.confirmed(current)
                            return
                        }
                        try? await Task.sleep(for: .milliseconds(250))
                    }
                }
                number += 1
            }
        }
    }

    private func send(_ number: Int) async -> Bool {
        switch target {
        case .broker(let publisher):
            let event = OutgoingEvent(type: "probe.run", body: Array(body(number).utf8), messageID: id(number))
            let outcomes = await publisher.publishEach([event.message(exchange: "sy.events", appID: "chaos")])
            if case .failure(let error) = outcomes.first {
                ledger.failed("\(error.code)")
                return false
            }
            return true
        case .ingress(let url, let apiKey, let client):
            let request = HTTPRequest(method: .post, url: url + "/v1/events", headers: [
                HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer \(apiKey)"),
                HTTPHeader("Idempotency-Key", id(number)),
            ], body: Array(#"{"type":"probe.run","body":\#(body(number))}"#.utf8))
            let response: HTTPResponse
            do {
                response = try await client.execute(request)
            } catch {
                ledger.failed((error as? HTTPClientError).map { "\($0.code)" } ?? "\(error)")
                return false
            }
            guard (200..<300).contains(response.status) else {
                ledger.failed("HTTP \(response.status)")
                return false
            }
            return true
        }
    }
}
