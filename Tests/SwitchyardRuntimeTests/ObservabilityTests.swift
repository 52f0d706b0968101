import Foundation
import SwitchyardAMQP
import SwitchyardHTTP
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// What operators see: Prometheus metrics on --metrics-port, and trace context carried from an
/// event to the follow-ups its handler emits.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ObservabilityTests {

    /// The value of one sample line (`name{labels} value`) in a Prometheus exposition.
    static func sample(_ exposition: String, _ series: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// `/ready` answers 200 while the worker consumes and its database answers, 503 naming what
    /// is missing otherwise; `/health` only says the process runs.
    @Test func readinessNamesWhatTheWorkerLacks() async throws {
        try await withFleet { fleet in
            let (good, noDatabase, noBroker) = (try freeLoopbackPort(), try freeLoopbackPort(), try freeLoopbackPort())
            try fleet.startWorker(["probe", "--metrics-port", "\(good)"])
            try fleet.startWorker(
                ["probe", "--metrics-port", "\(noDatabase)"],
                environment: ["SWITCHYARD_DATABASE_URL": "postgresql://switchyard@127.0.0.1:1/switchyard"])
            try fleet.startWorker(
                ["probe", "--metrics-port", "\(noBroker)"], environment: ["SWITCHYARD_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/%2F"])
            let client = HTTPClient()
            func ready(_ port: Int) async -> (status: Int, body: String)? {
                guard let response = try? await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/ready")) else { return nil }
                return (response.status, String(decoding: response.body, as: UTF8.self))
            }
            try await eventually("the healthy worker to be ready", timeout: .seconds(30)) {
                await ready(good)?.status == 200
            }
            #expect(await ready(good)?.body == #"{"status":"ready"}"#)
            var answer: (status: Int, body: String)?
            // It answers at once, but names the broker too until its consumer is subscribed.
            try await eventually("the worker without a database to name only the database", timeout: .seconds(30)) {
                answer = await ready(noDatabase)
                return answer?.body.contains("broker") == false
            }
            #expect(answer?.status == 503 && answer?.body.contains(#""status":"not_ready""#) == true)
            #expect(answer?.body.contains("database: ") == true, "\(answer?.body ?? "")")
            try await eventually("the worker without a broker to answer", timeout: .seconds(30)) {
                answer = await ready(noBroker)
                return answer != nil
            }
            #expect(answer?.status == 503 && answer?.body.contains("broker: not consuming") == true, "\(answer?.body ?? "")")
            let notReady = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(noBroker)/ready"))
            #expect(notReady.status == 503 && notReady.header("Retry-After") == "5", "a 503 says when to ask again")
            let health = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(noBroker)/health"))
            #expect(health.status == 200, "alive, though not ready")
            await client.shutdown()
        }
    }

    /// The metrics port has the ingress's guards: a connection that sends nothing, and one that
    /// sent half a request head, are closed after SWITCHYARD_HTTP_IDLE_TIMEOUT; bytes that break
    /// HTTP get the JSON 400, and an unknown path or method the JSON 404 or 405; a bad timeout
    /// stops the worker naming the variable. Before, the port had no idle timeout at all.
    @Test func theMetricsPortClosesIdleAndHalfSentConnections() async throws {
        try await withFleet { fleet in
            let port = try freeLoopbackPort()
            try fleet.startWorker(["probe", "--metrics-port", "\(port)"], environment: ["SWITCHYARD_HTTP_IDLE_TIMEOUT": "2"])
            let client = HTTPClient()
            try await eventually("the metrics port to answer", timeout: .seconds(30)) {
                (try? await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/health")))?.status == 200
            }
            // Any other path or method is the JSON error the ingress gives (before, an empty 404).
            let unknown = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/nope"))
            #expect(unknown.status == 404 && String(decoding: unknown.body, as: UTF8.self).contains(#""code":"not_found""#),
                    "\(unknown.status) \(String(decoding: unknown.body, as: UTF8.self))")
            let wrongMethod = try await client.execute(HTTPRequest(method: .post, url: "http://127.0.0.1:\(port)/metrics", body: []))
            #expect(wrongMethod.status == 405 && wrongMethod.header("Allow") == "GET"
                        && String(decoding: wrongMethod.body, as: UTF8.self).contains(#""code":"method_not_allowed""#),
                    "\(wrongMethod.status) \(String(decoding: wrongMethod.body, as: UTF8.self))")
            await client.shutdown()
            let silent = try LoopbackClient(port: port)
            defer { silent.close() }
            let halfSent = try LoopbackClient(port: port)
            defer { halfSent.close() }
            #expect(halfSent.send("GET /metrics HTTP/1.1\r\nHost: x\r\n"))
            let started = ContinuousClock.now
            #expect(await silent.waitForClose(timeout: .seconds(15)), "an idle connection is closed")
            let answer = try #require(await halfSent.receiveUntilClose(timeout: .seconds(15)), "half a head is cut off")
            #expect(answer.isEmpty, "no request came to answer: \(String(decoding: answer, as: UTF8.self).prefix(200))")
            #expect(ContinuousClock.now - started < .seconds(10))
            let broken = try LoopbackClient(port: port)
            defer { broken.close() }
            #expect(broken.send("GARBAGE\r\n\r\n"))
            let refused = String(decoding: try #require(await broken.receiveUntilClose(timeout: .seconds(10))), as: UTF8.self)
            #expect(refused.hasPrefix("HTTP/1.1 400") && refused.contains("malformed_request"), "\(refused.prefix(300))")

            let outcome = try SwitchyardProcess.run(
                ["work", "probe", "--metrics-port", "\(try freeLoopbackPort())"],
                environment: fleet.environment.merging(["SWITCHYARD_HTTP_IDLE_TIMEOUT": "0"]) { $1 })
            #expect(outcome.status == 2, "\(outcome.standardError)")
            #expect(outcome.standardError.contains("SWITCHYARD_HTTP_IDLE_TIMEOUT"), "\(outcome.standardError)")
        }
    }

    @Test func metricsCountOutcomesByRoleAndErrorClass() async throws {
        try await withFleet { fleet in
            let port = try freeLoopbackPort()
            try fleet.startWorker(["probe", "dead-letters", "--metrics-port", "\(port)"])
            var bodies = (0..<30).map { #"{"v":1,"id":"ok-\#($0)"}"# }
            bodies += (0..<4).map { #"{"v":1,"id":"bad-\#($0)","permanent":true}"# }
            bodies += (0..<3).map { #"{"v":1,"id":"flaky-\#($0)","transient_failures":1}"# }
            bodies.append(#"{"v":2,"id":"wrong-version"}"#)
            try await fleet.publishProbes(bodies)

            let client = HTTPClient()
            var exposition = ""
            try await eventually("the metrics to show the run", timeout: .seconds(60)) {
                guard let response = try? await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics")) else {
                    return false
                }
                exposition = String(decoding: response.body, as: UTF8.self)
                // A scrape can fall between a delivery's success count and its latency or the end
                // of its slot: the run is over once all three say so.
                return Self.sample(exposition, #"switchyard_messages_processed_total{role="probe",outcome="success"}"#) == 33
                    && Self.sample(exposition, #"switchyard_end_to_end_latency_seconds_count{role="probe"}"#) == 33
                    && Self.sample(exposition, #"switchyard_handlers_in_flight{role="probe"}"#) == 0
            }
            #expect(Self.sample(exposition, #"switchyard_messages_processed_total{role="probe",outcome="dead_lettered"}"#) == 5)
            #expect(Self.sample(exposition, #"switchyard_messages_processed_total{role="probe",outcome="retried"}"#) == 3)
            #expect(Self.sample(exposition, #"switchyard_messages_dead_lettered_total{role="probe",error_class="permanent"}"#) == 4)
            #expect(Self.sample(exposition, #"switchyard_messages_dead_lettered_total{role="probe",error_class="validation"}"#) == 1)
            #expect(Self.sample(exposition, #"switchyard_messages_retried_total{role="probe",error_class="transient"}"#) == 3)
            #expect(Self.sample(exposition, #"switchyard_handler_duration_seconds_count{role="probe"}"#) == 41)
            #expect(exposition.contains("# TYPE switchyard_handler_duration_seconds histogram"))
            // Commit batches are counted in buckets of sizes (1, 2, 4, ... 500), not of seconds.
            let batches = try #require(Self.sample(exposition, "switchyard_commit_batch_size_count"), "\(exposition)")
            #expect(batches >= 1)
            #expect(Self.sample(exposition, #"switchyard_commit_batch_size_bucket{le="1.0"}"#).map { $0 <= batches } == true)
            #expect(Self.sample(exposition, #"switchyard_commit_batch_size_bucket{le="500.0"}"#) == batches)
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 33)
            await client.shutdown()
        }
    }

    /// `switchyard relay --metrics-port` serves the relay's own metrics (it made them before the
    /// metrics backend was set up, and served an empty page, until the fleet fuzzer scraped it).
    @Test func theRelayOnItsOwnServesItsMetrics() async throws {
        try await withFleet { fleet in
            let port = try freeLoopbackPort()
            try fleet.start(["relay", "--metrics-port", "\(port)"])
            let client = HTTPClient()
            var exposition = ""
            try await eventually("the relay's metrics page to answer", timeout: .seconds(30)) {
                guard let response = try? await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics")),
                      response.status == 200 else { return false }
                exposition = String(decoding: response.body, as: UTF8.self)
                return true
            }
            #expect(exposition.contains("# TYPE switchyard_outbox_published_total counter"), "\(exposition.prefix(1_000))")
            #expect(exposition.contains("# TYPE switchyard_outbox_backlog gauge"), "\(exposition.prefix(1_000))")
            await client.shutdown()
        }
    }

    /// A redelivery after a commit whose ack was lost: the inbox says done, so the worker acks
    /// without running the handler (which, for real roles, would call a vendor again).
    @Test func aRedeliveredMessageWhoseWorkIsDoneSkipsTheHandler() async throws {
        try await withFleet { fleet in
            try fleet.run(["publish", "probe.run", "--data", #"{"v":1,"id":"done-before","sleep_ms":2000}"#, "--message-id", "m-done"])
            let database = try await PostgresConnection.connect(url: fleet.database.url)
            try await database.execute("INSERT INTO inbox (consumer, message_id) VALUES ('probe', 'm-done')")
            await database.close()
            // Take the delivery and drop the connection without acking: the broker requeues it
            // marked redelivered.
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            var iterator = try await channel.consume(queue: "sy.work.probe", prefetch: 1).makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(first.redelivered == false)
            await connection.close()

            let port = try freeLoopbackPort()
            try fleet.startWorker(["probe", "--metrics-port", "\(port)"])
            let client = HTTPClient()
            var exposition = ""
            try await eventually("the duplicate to be acknowledged", timeout: .seconds(30)) {
                guard let response = try? await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics")) else {
                    return false
                }
                exposition = String(decoding: response.body, as: UTF8.self)
                return Self.sample(exposition, #"switchyard_messages_processed_total{role="probe",outcome="duplicate"}"#) == 1
            }
            #expect(Self.sample(exposition, #"switchyard_handler_duration_seconds_count{role="probe"}"#) ?? 0 == 0, "the handler did not run")
            #expect(try await fleet.count("SELECT count(*) FROM probe_results") == 0)
            #expect(try await fleet.depths(["sy.work.probe"])["sy.work.probe"] == 0)
            await client.shutdown()
        }
    }

    @Test func traceContextCorrelationAndTenantPassToFollowUps() async throws {
        try await withFleet { fleet in
            try fleet.startWorker(["probe"])
            let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            try fleet.run([
                "publish", "probe.run", "--data", #"{"v":1,"id":"first","follow_up":"second"}"#,
                "--traceparent", traceparent, "--correlation-id", "job-42",
            ])
            try await eventually("the follow-up to be processed", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id IN ('first', 'second')") == 2
            }
            #expect(try await fleet.count(
                """
                SELECT count(*) FROM outbox
                WHERE routing_key = 'probe.run' AND published_at IS NOT NULL
                  AND properties->>'traceparent' = '\(traceparent)' AND properties->>'correlation_id' = 'job-42'
                """) == 1)
        }
    }

    @Test func aMalformedTraceparentIsRefusedWithExit2() throws {
        let outcome = try SwitchyardProcess.run(["publish", "probe.run", "--data", "{}", "--traceparent", "nope"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("--traceparent"))
    }

    @Test func idsAndTypesNoMessageCanCarryAreRefusedWithExit2() throws {
        let long = String(repeating: "m", count: 256)
        for (arguments, needle) in [
            (["publish", long, "--data", "{}"], "<type>: expected 1-255 bytes without control characters, got 256 bytes"),
            (["publish", "probe.run", "--data", "{}", "--message-id", long], "--message-id: expected 1-255 bytes"),
            (["publish", "probe.run", "--data", "{}", "--message-id", "a\u{7}b"], "--message-id: expected 1-255 bytes without control characters"),
            (["publish", "probe.run", "--data", "{}", "--correlation-id", ""], "--correlation-id: expected 1-255 bytes"),
            (["publish", "probe.run", "--data", "{}", "--tenant", "acme"], "--tenant: expected a tenant id (UUID), got 'acme'"),
            (["publish", "probe.run", "--data", "[\(String(repeating: "1,", count: 2_047))1]"],
             "--data: the body is 4097 bytes; messages hold at most 4096 (SWITCHYARD_MESSAGE_LIMIT)"),
        ] {
            let outcome = try SwitchyardProcess.run(arguments, environment: ["SWITCHYARD_MESSAGE_LIMIT": "4096"])
            #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.split(separator: "\n").count == 1 && outcome.standardError.contains(needle), "\(outcome.standardError)")
        }
    }

    /// The broker decides what routes (the event is mandatory): a type no queue takes is refused
    /// with exit 2 naming what the topology routes, and nothing is delivered; a binding made
    /// outside the topology routes as well as the topology's own.
    @Test func publishRoutesByTheBrokersBindingsAndRefusesATypeNoQueueTakesWithExit2() async throws {
        try await withFleet { fleet in
            for (arguments, needle) in [
                (["publish", "probes.run", "--data", "{}"], "<type>: no queue takes 'probes.run' on sy.events; the topology routes "),
                (["publish", "probes", "--data", "{}", "--high"], "<type>: no queue takes 'probes' on sy.events.high; the topology routes "),
            ] {
                let outcome = try SwitchyardProcess.run(arguments, environment: fleet.environment)
                #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)")
                #expect(outcome.standardError.split(separator: "\n").count == 1 && outcome.standardError.contains(needle), "\(outcome.standardError)")
            }

            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel()
            try await channel.declareQueue("audit.events", arguments: ["x-queue-type": "quorum"])
            try await channel.bindQueue("audit.events", exchange: "sy.events", routingKey: "audit.#")
            let body = #"{"user":"u1"}"#
            let published = try SwitchyardProcess.run(["publish", "audit.login", "--data", body], environment: fleet.environment)
            #expect(published.status == 0, "\(published.standardError)")
            let delivery = try await channel.get(queue: "audit.events", autoAck: true)
            #expect(delivery.map { String(decoding: $0.body, as: UTF8.self) } == body)
            #expect(delivery?.properties.messageID == published.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))

            try await channel.unbindQueue("sy.work.probe", exchange: "sy.events", routingKey: "probe.#")
            let unbound = try SwitchyardProcess.run(["publish", "probe.run", "--data", "{}"], environment: fleet.environment)
            #expect(unbound.status == 2, "\(unbound.standardError)")
            #expect(unbound.standardError.contains("no queue on the broker takes 'probe.run' on sy.events, though the topology binds it"),
                    "\(unbound.standardError)")
            #expect(try await fleet.depths(["sy.work.probe"])["sy.work.probe"] == 0)
            await connection.close()
        }
    }
}
