import Foundation
import SwitchyardHTTP
import Synchronization

/// Another tenant's valid producer events, sent one after another while a test attacks the
/// ingress: every answer must be 202, whatever the attacker does.
final class BystanderTraffic: Sendable {
    private struct Tally {
        var sent = 0
        var failures: [String] = []
        var stopping = false
    }

    private let tally = Mutex(Tally())
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts sending `chatbot.message.received` events with `key`, about 20 a second (under
    /// the default per-key rate).
    static func start(_ ingress: IngressHarness, key: String) -> BystanderTraffic {
        let traffic = BystanderTraffic()
        traffic.task.withLock { slot in
            slot = Task {
                var index = 0
                while !traffic.tally.withLock({ $0.stopping }) {
                    index += 1
                    let body = #"{"type":"chatbot.message.received","body":{"v":1,"chatbot_id":"bystander","text":"hello \#(index)"}}"#
                    let outcome: String?
                    do {
                        let answer = try await ingress.send(.post, "/v1/events", key: key, body: body)
                        outcome = answer.status == 202 ? nil : "\(answer.status) \(answer.bodyText)"
                    } catch {
                        outcome = "\(error)"
                    }
                    traffic.tally.withLock { tally in
                        tally.sent += 1
                        if let outcome { tally.failures.append(outcome) }
                    }
                    try? await Task.sleep(for: .milliseconds(50))  // pacing, under the key's rate
                }
            }
        }
        return traffic
    }

    /// Stops sending once the request in flight has its answer.
    /// - Returns: How many were sent and the answers that were not 202.
    func stop() async -> (sent: Int, failures: [String]) {
        tally.withLock { $0.stopping = true }
        await task.withLock { $0 }?.value
        return tally.withLock { ($0.sent, $0.failures) }
    }
}
