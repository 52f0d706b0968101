// `SwitchyardBench noop-server` and `SwitchyardBench ingress-load`: webhook accept rate and
// latency of `switchyard ingress` (signature check + confirmed publish) beside a Hummingbird
// route that does nothing and the anchors' Python peer (FastAPI, same route and Standard
// Webhooks headers), with the same client on the same machine. See bench/README.md.

import Foundation
import Hummingbird
import SwitchyardHTTP
import SwitchyardIngress
import Synchronization

/// A Hummingbird server whose one route reads the body and answers `{}`: the ceiling any
/// Hummingbird handler can reach here.
enum NoopServer {
    static func run(port: Int) async throws {
        let router = Router()
        router.post("noop") { request, _ -> Response in
            var request = request
            _ = try await request.collectBody(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}

/// Signed `conversation_ended` webhooks, or producer events with an API key, against a URL:
/// closed-loop saturation or open-loop fixed rate; prints one JSON record per figure. Any server
/// that checks Standard Webhooks signatures with the same secret and answers 2xx can be the
/// target of webhooks (`switchyard ingress`, the anchors' `ingress_peer.py`); the do-nothing
/// route ignores the headers.
struct IngressLoad {
    var url: String
    var secret: String
    var mode: String
    var connections: Int
    var rate: Int
    var duration: Double
    var label: String
    /// Send a realistic transcript and a unique conversation id with each webhook (the
    /// development pipeline's load), instead of the bare minimum.
    var transcript: Bool
    /// What each request is.
    var kind: Kind
    /// The producer's API key (`Authorization: Bearer`), for events.
    var apiKey: String?
    /// The server's pid: with it, each phase also reports CPU per request (``PhaseCPU``).
    var serverPID: Int?

    /// What the load sends.
    enum Kind: String {
        /// A signed `conversation_ended` webhook (`POST /v1/webhooks/tavus`).
        case webhook
        /// A producer's `chatbot.message.received` event (`POST /v1/events`), answered 202.
        case event
        /// The same event with a fresh `Idempotency-Key` each, so the ingress records the key
        /// in the transaction that publishes the event.
        case keyedEvent = "keyed-event"
    }

    static let usage = """
        usage: SwitchyardBench ingress-load --url URL --secret whsec_... --label NAME
                   (--mode saturate --connections C | --mode rate --rate R) [--duration SECONDS] [--transcript yes]
                   [--kind webhook|event|keyed-event] [--api-key sy_...] [--server-pid PID]
        --kind event and keyed-event (with --api-key) send producer events instead of webhooks;
        keyed-event adds a fresh Idempotency-Key to each.
        CPU per request (with --server-pid): the server's process tree, this process, the broker
        ($BENCH_RMQ_PIDFILE) and Postgres ($BENCH_PG_PIDFILE).
        """

    static func parse(_ arguments: [String]) throws -> IngressLoad {
        var values: [String: String] = [:]
        var index = 0
        while index + 1 < arguments.count {
            guard arguments[index].hasPrefix("--") else { throw LoadError("unexpected '\(arguments[index])'") }
            values[String(arguments[index].dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        guard index == arguments.count else { throw LoadError("missing value for \(arguments[index])") }
        func required(_ name: String) throws -> String {
            guard let value = values[name] else { throw LoadError("--\(name) is required") }
            return value
        }
        guard let kind = Kind(rawValue: values["kind"] ?? "webhook") else { throw LoadError("--kind webhook|event|keyed-event") }
        let load = IngressLoad(
            url: try required("url"), secret: try required("secret"), mode: values["mode"] ?? "saturate",
            connections: Int(values["connections"] ?? "32") ?? 0, rate: Int(values["rate"] ?? "1000") ?? 0,
            duration: Double(values["duration"] ?? "15") ?? 0, label: try required("label"), transcript: values["transcript"] == "yes",
            kind: kind,
            apiKey: values["api-key"],
            serverPID: try values["server-pid"].map { text in
                guard let pid = Int(text), pid > 0 else { throw LoadError("--server-pid: a process id, got '\(text)'") }
                return pid
            })
        guard ["saturate", "rate"].contains(load.mode), load.connections > 0, load.rate > 0, load.duration > 0 else {
            throw LoadError("--mode saturate|rate, positive --connections, --rate and --duration")
        }
        guard load.kind == .webhook || load.apiKey != nil else { throw LoadError("--kind \(load.kind.rawValue) needs --api-key") }
        return load
    }

    func run() async throws {
        let verifier = try StandardWebhookVerifier(secrets: [secret])
        let client = HTTPClient(configuration: .init(maxConcurrentRequests: max(connections, 64), timeout: .seconds(10)))
        let counter = RequestCounter()
        let prefix = "\(label)-\(UInt32.random(in: 0 ... .max))"
        let transcript = transcript
        let kind = kind
        let authorization = apiKey.map { "Bearer \($0)" } ?? ""
        @Sendable func request(_ number: Int) -> SwitchyardHTTP.HTTPRequest {
            let id = "\(prefix)-\(number)"
            guard kind == .webhook else {
                let body = Array(#"{"type":"chatbot.message.received","body":{"v":1,"chatbot_id":"bench","text":"message \#(number)"}}"#.utf8)
                var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", authorization)]
                if kind == .keyedEvent { headers.append(HTTPHeader("Idempotency-Key", id)) }
                return SwitchyardHTTP.HTTPRequest(method: .post, url: url, headers: headers, body: body)
            }
            let body = Array((transcript
                ? #"{"event_type":"conversation_ended","conversation_id":"\#(id)","properties":{"transcript":\#(Self.transcript)}}"#
                : #"{"event_type":"conversation_ended","conversation_id":"bench-\#(number)"}"#).utf8)
            let timestamp = String(Int(Date().timeIntervalSince1970))
            return SwitchyardHTTP.HTTPRequest(method: .post, url: url, headers: [
                HTTPHeader("Content-Type", "application/json"), HTTPHeader("webhook-id", id),
                HTTPHeader("webhook-timestamp", timestamp),
                HTTPHeader("webhook-signature", verifier.sign(id: id, timestamp: timestamp, body: body)),
            ], body: body)
        }
        @Sendable func send(_ number: Int) async -> Bool {
            do {
                let response = try await client.execute(request(number))
                let ok = (200..<300).contains(response.status)
                if !ok { counter.noteFailure("HTTP \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))") }
                return ok
            } catch {
                counter.noteFailure("\(error)")
                return false
            }
        }
        let cpu = serverPID.map(PhaseCPU.init(serverPID:))
        let started = ContinuousClock.now
        let end = started + .milliseconds(Int64(duration * 1000))
        if mode == "saturate" {
            await withTaskGroup(of: Void.self) { group in
                for connection in 0..<connections {
                    group.addTask {
                        var number = connection
                        while ContinuousClock.now < end {
                            let sent = ContinuousClock.now
                            let ok = await send(number)
                            counter.record(ok: ok, latency: ContinuousClock.now - sent)
                            number += connections
                        }
                    }
                }
            }
        } else {
            let interval = Duration.seconds(1) / rate
            await withTaskGroup(of: Void.self) { group in
                var number = 0
                while true {
                    let scheduled = started + interval * number
                    guard scheduled < end else { break }
                    try? await Task.sleep(until: scheduled, clock: .continuous)
                    let current = number
                    // Latency counts from the scheduled send time, so a slow server cannot hide
                    // its queueing by slowing the sender down.
                    group.addTask {
                        let ok = await send(current)
                        counter.record(ok: ok, latency: ContinuousClock.now - scheduled)
                    }
                    number += 1
                }
            }
        }
        let elapsed = ContinuousClock.now - started
        let cpuFigures = cpu?.figures(requests: counter.answered) ?? []
        await client.shutdown()
        let scenario = mode == "rate" ? "rate-\(rate)" : "saturate-\(connections)"
        counter.report(label: label, scenario: scenario, elapsed: elapsed, cpu: cpuFigures)
    }
}

extension IngressLoad {
    /// A client describing a project to the vendor's agent, as the vendor's webhook carries it.
    static let transcript = #"""
        [{"role":"assistant","content":"Thanks for joining. What would you like us to build?"},
         {"role":"user","content":"We run a chain of bike repair shops and we need an app called Spoke Fix. Customers should be able to book a repair slot online and get a text when the bike is ready."},
         {"role":"assistant","content":"Anything else?"},
         {"role":"user","content":"Mechanics want to see their queue on a tablet. It must take payments with Stripe. We would like it in eight weeks."}]
        """#
}

/// Successes, failures and latencies, from many tasks.
final class RequestCounter: Sendable {
    private let state = Mutex<(latencies: [Double], failures: Int, firstFailure: String?)>(([], 0, nil))

    func record(ok: Bool, latency: Duration) {
        let milliseconds = Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15
        state.withLock { state in
            if ok { state.latencies.append(milliseconds) } else { state.failures += 1 }
        }
    }

    /// How many requests were answered 2xx so far.
    var answered: Int {
        state.withLock { $0.latencies.count }
    }

    /// Keeps the first failure's reason (a status other than 2xx, or the client's error), so
    /// that a server refusing every request says why.
    func noteFailure(_ reason: String) {
        state.withLock { state in
            if state.firstFailure == nil { state.firstFailure = reason }
        }
    }

    /// One record per figure (`emit`: stdout and `$BENCH_JSONL`), with `run` = `$BENCH_RUN`
    /// (default 1), then the phase's `cpu` figures; the first failure's reason, if any, on stderr.
    func report(label: String, scenario: String, elapsed: Duration, cpu: [(metric: String, value: Double, unit: String)]) {
        let (sorted, failures, firstFailure) = state.withLock { ($0.latencies.sorted(), $0.failures, $0.firstFailure) }
        if let firstFailure {
            warn("ingress-load \(label): \(failures) failed requests, the first: \(firstFailure)")
        }
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        let run = Int(ProcessInfo.processInfo.environment["BENCH_RUN"] ?? "") ?? 1
        let figures: [(String, Double, String)] = [
            ("requests_per_second", Double(sorted.count) / elapsed.seconds, "req/s"),
            ("latency_p50", percentile(0.50), "ms"), ("latency_p99", percentile(0.99), "ms"),
            ("latency_max", sorted.last ?? 0, "ms"), ("failures", Double(failures), "requests"),
        ] + cpu.map { ($0.metric, $0.value, $0.unit) }
        for (metric, value, unit) in figures {
            emit(system: label, scenario: scenario, metric: metric, value: value, unit: unit, run: run, [])
        }
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
