import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// Hostile messages sent to real worker processes: each ends as a dead letter with its reason
/// (or is contained by a deadline), and the process keeps serving everything else.
@Suite(.serialized, .timeLimit(.minutes(4))) struct AbuseWorkerTests {
    /// Publishes `message` with a confirm on the fleet's vhost.
    static func publish(_ fleet: Fleet, _ messages: [AMQPOutgoingMessage]) async throws {
        let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
        let channel = try await connection.openChannel(confirms: true)
        for outcome in await channel.publish(messages) { try outcome.get() }
        await connection.close()
    }

    @Test func valuesTheDatabaseRefusesAndEndlessSleepsDontStallTheWorker() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "a"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_ALLOW_PROBE_EVENTS": "1"])
            let worker = try fleet.startWorker(["workflow", "probe", "dead-letters"])

            let sleepy = try await ingress.send(
                .post, "/v1/events", key: key, body: #"{"type":"probe.run","body":{"v":1,"id":"sleepy","sleep_ms":4000000000000}}"#)
            #expect(sleepy.status == 202)
            // The ingress refuses a NUL (EventsTests); a producer with AMQP credentials can still
            // send one. One burst: 20 good probes around a bad one, committed together; the good
            // ones commit, the bad one alone fails, as does a NUL sent on its own.
            func probe(_ id: String) -> AMQPOutgoingMessage {
                AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: Array(#"{"v":1,"id":"\#(id)"}"#.utf8),
                    properties: AMQPProperties(headers: [MessageHeaders.tenant: .string(tenant)], messageID: UUID().uuidString, type: "probe.run"))
            }
            try await Self.publish(fleet, [probe("nul\\u0000id")])
            try await Self.publish(fleet, (0..<21).map { probe($0 == 10 ? "batch\\u0000bad" : "batch-\($0)") })
            let job = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: key, body: #"{"input":{"after":"the attack"}}"#)
            let jobID = try #require(job.json["job_id"] as? String)
            #expect(try await ingress.send(.post, "/v1/events", key: key, body: #"{"type":"probe.run","body":{"v":1,"id":"plain"}}"#).status == 202)

            try await eventually("the plain probe, the batch and the echo job to complete", timeout: .seconds(30)) {
                let probes = try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'plain' OR id LIKE 'batch-%'")
                let status = try await fleet.text("SELECT status FROM jobs WHERE id = '\(jobID)'")
                return probes == 21 && status == "completed"
            }
            try await eventually("the two NUL probes and the endless sleep to be dead letters", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE origin_queue = 'sy.work.probe'") == 3
            }
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE error_class = 'invalid_value'") == 2)
            let refusal = try await fleet.text("SELECT error FROM dead_letters WHERE error_class = 'validation'")
            #expect(refusal.contains("sleep_ms"), "\(refusal)")
            #expect(worker.isRunning, "the worker process survived")
            await ingress.client.shutdown()
        }
    }

    @Test func firstSeenTimesNoClockCanHoldAreNoAgeAndTheWorkerKeepsServing() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(["probe"])
            func probe(_ id: String, firstSeen: AMQPFieldValue?, timestamp: UInt64? = nil) -> AMQPOutgoingMessage {
                AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: Array(#"{"v":1,"id":"\#(id)"}"#.utf8),
                    properties: AMQPProperties(
                        headers: firstSeen.map { [MessageHeaders.firstSeen: $0] }, messageID: id, timestamp: timestamp, type: "probe.run"))
            }
            // Each used to overflow the end-to-end age's arithmetic after the commit: a trap that
            // took the whole process (and every delivery in flight on its connection) down.
            try await Self.publish(fleet, [
                probe("seen-min", firstSeen: .int64(.min)),
                probe("seen-long-ago", firstSeen: .int64(-10_000_000_000_000)),
                probe("seen-max", firstSeen: .int64(.max)),
                probe("stamped-max", firstSeen: nil, timestamp: .max),
                probe("stamped-far", firstSeen: nil, timestamp: 1 << 62),
                probe("seen-text", firstSeen: "yesterday", timestamp: .max),
                probe("plain", firstSeen: .int64(Int64(Date().timeIntervalSince1970 * 1000))),
            ])
            try await eventually("every probe to be recorded", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results") == 7
            }
            #expect(worker.isRunning, "the worker process survived")
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters") == 0)
        }
    }

    @Test func aHandlerPastItsDeadlineFreesItsSlotAndOneRoleCantTakeAnothersSlots() async throws {
        try await withFleet { fleet in
            let llm = try LoopbackHTTPServer(scripts: ["/v1/chat/completions": [
                VendorFailureTests.chat(VendorFailureTests.analysis, delay: .seconds(50)),
                VendorFailureTests.chat(VendorFailureTests.analysis),
            ]])
            defer { llm.stop() }
            let topology = try String(contentsOf: TestEnvironment.repositoryRoot.appending(path: "topology/switchyard.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "    events: [conversation.ended]\n", with: "    events: [conversation.ended]\n    handler_timeout: 4s\n")
            // Not in the log directory: fleet.logs() reads every file there.
            let topologyFile = FileManager.default.temporaryDirectory.appending(path: TestEnvironment.uniqueName("deadline-topology") + ".yaml")
            try topology.write(to: topologyFile, atomically: true, encoding: .utf8)
            let ingress = try await IngressHarness.start(fleet)
            let worker = try fleet.startWorker(["analysis", "probe", "--concurrency", "analysis=1,probe=4"], environment: [
                "SWITCHYARD_TOPOLOGY_FILE": topologyFile.path, "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"),
                "SWITCHYARD_OPENAI_API_KEY": "sk-test", "SWITCHYARD_LLM_TIMEOUT_SECONDS": "120",
            ])
            #expect(try await ingress.webhook(body: VendorFailureTests.conversation("conv-tarpit"), id: "call-tarpit").status == 200)
            #expect(await llm.waitUntil(timeout: .seconds(20)) { $0.requests.count == 1 }, "the analysis is waiting on the model")

            try await fleet.publishProbes((0..<20).map { #"{"v":1,"id":"meanwhile-\#($0)"}"# })
            try await eventually("the probes to run beside the stuck analysis", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results") == 20
            }
            #expect(llm.abandonedRequests == 0, "the probes finished while the analysis still held its only slot")

            try await eventually("the deadline to free the slot and the retry to create the project", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM projects WHERE conversation_id = 'conv-tarpit'") == 1
            }
            #expect(llm.requests.count == 2)
            #expect(fleet.logs().contains("did not finish within its deadline of 4.0 seconds"), "\(fleet.logs().suffix(1_500))")
            #expect(worker.isRunning)
            await ingress.client.shutdown()
        }
    }

    @Test func aMessageActsOnlyOnItsOwnTenantsProject() async throws {
        try await withFleet { fleet in
            let tenantA = try EventsTests.cli(fleet, ["tenants", "create", "a"])
            let tenantB = try EventsTests.cli(fleet, ["tenants", "create", "b"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenantA])
            let ingress = try await IngressHarness.start(fleet)
            let analysis = try fleet.startWorker(["analysis"])
            let event = #"""
                {"type":"conversation.ended","body":{"v":1,"conversation_id":"conv-own",
                 "transcript":[{"role":"user","content":"We need a travel planner app called Wayfarer for families."}]}}
                """#
            #expect(try await ingress.send(.post, "/v1/events", key: key, body: event).status == 202)
            try await eventually("tenant A's project and its plan request, published", timeout: .seconds(30)) {
                let waiting = try await fleet.depths(["sy.work.planning"])["sy.work.planning"]
                return try await fleet.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0 && waiting == 1
            }
            analysis.terminate()
            analysis.waitUntilExit()
            let projectID = try await fleet.text("SELECT id::text FROM projects WHERE conversation_id = 'conv-own'")

            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel(confirms: true)
            let genuine = try #require(try await channel.get(queue: "sy.work.planning", autoAck: true))
            let forged = OutgoingEvent(
                type: "plan.requested", body: Array(#"{"v":1,"project_id":"\#(projectID)"}"#.utf8), correlationID: projectID, tenantID: tenantB)
            try await channel.publish(forged.message(exchange: "sy.events", appID: "attacker"))
            let planning = try fleet.startWorker(["planning", "dead-letters"])
            try await eventually("the forged request to be dead-lettered", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE error_class = 'forbidden'") == 1
            }
            // A graceful stop writes the usage rows the worker still holds (deferred writes), so
            // the count below includes any call the forged request made.
            planning.terminate()
            planning.waitUntilExit()
            #expect(try await fleet.text("SELECT status FROM projects WHERE id = '\(projectID)'") == "planning", "nothing written")
            let calls = try await fleet.text("SELECT string_agg(api || ' ' || endpoint || ' ' || coalesce(tenant_id::text, '-'), '; ') FROM api_usage")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage") == 1, "no call made for it, only the analysis's: \(calls)")
            try fleet.startWorker(["planning", "dead-letters"])
            try await channel.publish(AMQPOutgoingMessage(
                exchange: "sy.events", routingKey: genuine.routingKey, body: genuine.body, properties: genuine.properties, mandatory: true))
            try await eventually("the tenant's own request to plan the project", timeout: .seconds(30)) {
                try await fleet.text("SELECT status FROM projects WHERE id = '\(projectID)'") == "ready_to_build"
            }
            await connection.close()
            await ingress.client.shutdown()
        }
    }

    @Test func aTenantThatIsNotAUUIDIsRefusedBeforeTheHandlerAndAnAttemptCountIsCapped() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(["probe", "dead-letters"])
            func probe(_ id: String, _ headers: AMQPTable, transientFailures: Int = 0) -> AMQPOutgoingMessage {
                AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: Array(#"{"v":1,"id":"\#(id)","transient_failures":\#(transientFailures)}"#.utf8),
                    properties: AMQPProperties(headers: headers, messageID: id, type: "probe.run"))
            }
            try await Self.publish(fleet, [
                probe("tenant-text", [MessageHeaders.tenant: "not-a-uuid"]),
                probe("tenant-number", [MessageHeaders.tenant: .int64(5)]),
                probe("attempt-huge", [MessageHeaders.attempt: .int64(.max)], transientFailures: 10),
                probe("plain", [:]),
            ])
            try await eventually("three dead letters and one result", timeout: .seconds(20)) {
                let letters = try await fleet.count("SELECT count(*) FROM dead_letters")
                let results = try await fleet.count("SELECT count(*) FROM probe_results")
                return letters == 3 && results == 1
            }
            let rows = "concat_ws('|', error_class, attempts, error) FROM dead_letters WHERE message_id"
            for id in ["tenant-text", "tenant-number"] {
                #expect(try await fleet.text("SELECT \(rows) = '\(id)'") == "contract|1|the sy-tenant header is not a tenant id (a UUID)")
            }
            let huge = try await fleet.text("SELECT \(rows) = 'attempt-huge'")
            #expect(huge.contains("|5|gave up after 5 attempts"), "the role's 5, not the header's 2^63 - 1: \(huge)")
            #expect(worker.isRunning)
        }
    }

    /// `sy-not-before` (a `Retry-After` longer than every tier) is honoured only within a week
    /// of the `sy-last-failure` that set it, itself not in the future: forged, overflowing or
    /// past values run at once (one near Int64.min overflowed the wait's arithmetic, a trap that
    /// took the worker down); a genuine one is waited out.
    @Test func aNotBeforeHeaderIsWaitedOutOnlyWithinAWeekOfItsFailure() async throws {
        try await withFleet { fleet in
            let port = try freeLoopbackPort()
            let worker = try fleet.startWorker(["probe", "--metrics-port", "\(port)"])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let day: Int64 = 86_400_000
            func probe(_ id: String, notBefore: Int64, lastFailure: Int64?) -> AMQPOutgoingMessage {
                var headers: AMQPTable = [MessageHeaders.notBefore: .int64(notBefore)]
                headers[MessageHeaders.lastFailure] = lastFailure.map { .int64($0) }
                return AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: Array(#"{"v":1,"id":"\#(id)"}"#.utf8),
                    properties: AMQPProperties(headers: headers, messageID: id, type: "probe.run"))
            }
            let published = ContinuousClock.now
            try await Self.publish(fleet, [
                probe("no-failure", notBefore: now + day, lastFailure: nil),
                probe("beyond-a-week", notBefore: now + 8 * day, lastFailure: now),
                probe("failed-in-the-future", notBefore: now + 2 * day, lastFailure: now + day),
                probe("overflowing", notBefore: .max, lastFailure: .min),
                probe("underflowing", notBefore: .min, lastFailure: now),
                probe("genuine", notBefore: now + 4_000, lastFailure: now),
            ])
            try await eventually("the forged ones to run at once", timeout: .seconds(3)) {
                try await fleet.count("SELECT count(*) FROM probe_results") == 5
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'genuine'") == 0)
            try await eventually("the genuine one to run after its wait", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM probe_results WHERE id = 'genuine'") == 1
            }
            #expect(ContinuousClock.now - published >= .seconds(4), "it waited until its sy-not-before")
            #expect(fleet.logs().contains("\"outcome\":\"waiting_5s\""))
            #expect(try await fleet.count("SELECT attempts FROM probe_results WHERE id = 'genuine'") == 1, "waiting counted no attempt")
            let client = HTTPClient()
            let exposition = String(decoding: try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics")).body, as: UTF8.self)
            await client.shutdown()
            let waits = exposition.split(separator: "\n").first { $0.hasPrefix(#"switchyard_messages_processed_total{role="probe",outcome="waiting"} "#) }
            #expect(waits?.split(separator: " ").last == "1", "the one wait is counted: \(waits ?? "no series")")
            #expect(worker.isRunning)
        }
    }

    @Test func aValueTheDatabaseCantCompareIsADeadLetterAtOnceNotARetry() async throws {
        try await withFleet { fleet in
            let worker = try fleet.startWorker(
                ["build", "dead-letters"], environment: ["SWITCHYARD_WEBHOOK_SECRET_KIRO": DevelopmentPipelineTests.buildSecret])
            // The build's id is looked up before anything is written: a NUL made that read fail,
            // which was retried through every tier (8 attempts over minutes) as a database outage.
            try await Self.publish(fleet, [AMQPOutgoingMessage(
                exchange: "", routingKey: "sy.work.build", body: Array(#"{"v":1,"build_id":"b\u0000","kind":"progress","sequence":1}"#.utf8),
                properties: AMQPProperties(messageID: "nul-build", type: "build.reported"))])
            try await eventually("the report to be a dead letter", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE message_id = 'nul-build'") == 1
            }
            let row = try await fleet.text("SELECT concat_ws('|', error_class, attempts) FROM dead_letters WHERE message_id = 'nul-build'")
            #expect(row == "invalid_value|1")
            #expect(worker.isRunning)
        }
    }

    @Test func messagesOverTheLimitAreDeadLetteredWithoutTheirBodiesAndTheWorkerKeepsServing() async throws {
        try await withFleet { fleet in
            // A broker left at RabbitMQ's default takes 128 MiB a message: without a limit of
            // its own, a worker would hold prefetch times that.
            let worker = try fleet.startWorker(["probe", "dead-letters"], environment: ["SWITCHYARD_MESSAGE_LIMIT": "65536"])
            let padding = String(repeating: "x", count: 200_000)
            try await Self.publish(fleet, [
                AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: Array(#"{"v":1,"id":"big","pad":"\#(padding)"}"#.utf8),
                    properties: AMQPProperties(messageID: "big", type: "probe.run")),
                // Straight to the dead-letter exchange: the archiver reads past it too.
                AMQPOutgoingMessage(
                    exchange: "sy.dead", routingKey: "sy.work.probe", body: Array(padding.utf8),
                    properties: AMQPProperties(headers: ["sy-error-class": "permanent"], messageID: "big-letter"), mandatory: true),
                AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.probe", body: Array(#"{"v":1,"id":"small"}"#.utf8),
                    properties: AMQPProperties(messageID: "small", type: "probe.run")),
            ])
            try await eventually("the small probe to run and both large messages to be archived", timeout: .seconds(20)) {
                let results = try await fleet.count("SELECT count(*) FROM probe_results")
                let letters = try await fleet.count("SELECT count(*) FROM dead_letters")
                return results == 1 && letters == 2
            }
            let row = "concat_ws('|', error_class, attempts, octet_length(body), error) FROM dead_letters WHERE message_id"
            let big = try await fleet.text("SELECT \(row) = 'big'")
            #expect(big == "too_large|1|0|the body is 200027 bytes, more than this worker's message limit (SWITCHYARD_MESSAGE_LIMIT); it was left out")
            let letter = try await fleet.text("SELECT \(row) = 'big-letter'")
            #expect(letter == "too_large|0|(permanent) its body of 200000 bytes, more than the archiver's message limit (SWITCHYARD_MESSAGE_LIMIT), was left out")
            // Neither has a body to put back on the broker.
            let ids = try await fleet.text("SELECT string_agg(id::text, ' ' ORDER BY id) FROM dead_letters").split(separator: " ").map(String.init)
            let replay = try SwitchyardProcess.run(["dlq", "replay"] + ids, environment: fleet.environment)
            #expect(replay.status == 0, "\(replay.standardOutput) \(replay.standardError)")
            #expect(replay.standardOutput.components(separatedBy: "left out: nothing to replay").count == 3, "\(replay.standardOutput)")
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL") == 0)
            #expect(try await fleet.depths(["sy.dlq.probe", "sy.work.probe"]).values.allSatisfy { $0 == 0 }, "nothing left behind")
            #expect(worker.isRunning)
        }
    }

    @Test func deadLettersWithHostileHeadersAreArchivedWithTheirRawHeaders() async throws {
        try await withFleet { fleet in
            let archiver = try fleet.startWorker(["dead-letters"])
            func letter(_ id: String?, _ headers: AMQPTable) -> AMQPOutgoingMessage {
                AMQPOutgoingMessage(
                    exchange: "sy.dead", routingKey: "sy.work.probe", body: Array(#"{"v":1,"id":"x"}"#.utf8),
                    properties: AMQPProperties(headers: headers, messageID: id), mandatory: true)
            }
            try await Self.publish(fleet, [
                letter("hostile-1", [
                    "sy-error-class": "permanent", "sy-tenant": "not-a-uuid", "sy-first-failure": .int64(.max),
                    "sy-last-failure": .int64(-5), "sy-attempts": .int64(.max), "sy-error": "bad\u{0}error",
                ]),
                letter("hostile-2", ["x-death": "forged"]),
                letter("hostile-3", ["x-death": .array([.table([
                    "count": "lots", "queue": .int64(123), "time": .timestamp(.max), "routing-keys": .array([.int64(5)]),
                    "reason": "rejected\u{0}",
                ])])]),
                letter("hostile\u{0}4", ["sy-error-class": "permanent", "sy-origin-queue": "sy.work.\u{0}evil", "huge": .uint64(.max)]),
                letter(nil, ["sy-error-class": .bytes([0xff, 0x00, 0xfe])]),
                // Thousands of tables inside each other: more than the archiver's JSON encoding
                // has stack for, had the client not cut them off.
                letter("hostile-deep", ["sy-error-class": "permanent", "a": (0..<3_000).reduce(AMQPFieldValue.void) { v, _ in .table(["a": v]) }]),
            ])
            try await eventually("every hostile letter to be archived", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM dead_letters") == 6
            }
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE raw_headers IS NOT NULL") == 5)
            #expect(try await fleet.count(
                "SELECT count(*) FROM dead_letters WHERE message_id = 'hostile-deep' AND error_class = 'permanent' AND headers::text LIKE '%left out%'") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE tenant_id IS NOT NULL") == 0)
            #expect(try await fleet.text("SELECT raw_headers FROM dead_letters WHERE message_id = 'hostile-1'").contains("not-a-uuid"))
            try await Self.publish(fleet, [letter("normal", ["sy-error-class": "permanent", "sy-attempts": .int64(2)])])
            try await eventually("a normal letter after them", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE message_id = 'normal' AND raw_headers IS NULL") == 1
            }
            #expect(try await fleet.depths(["sy.dlq.probe"])["sy.dlq.probe"] == 0, "nothing left behind")
            #expect(archiver.isRunning)
        }
    }

    @Test func replayGoesOnlyWhereTheTopologyBindsTheOriginQueue() async throws {
        try await withFleet { fleet in
            try await fleet.execute(
                """
                INSERT INTO dead_letters (archive_key, message_id, origin_queue, origin_exchange, origin_routing_key, reason, error_class, body)
                VALUES ('forged-exchange', 'm-1', 'sy.work.probe', 'amq.fanout', 'probe.run', 'worker', 'permanent',
                        convert_to('{"v":1,"id":"replayed"}', 'UTF8')),
                       ('foreign-key', 'm-2', 'sy.work.probe', NULL, 'conversation.ended', 'worker', 'permanent',
                        convert_to('{"v":1,"conversation_id":"c"}', 'UTF8'))
                """)
            let forged = try await fleet.text("SELECT id::text FROM dead_letters WHERE archive_key = 'forged-exchange'")
            let foreign = try await fleet.text("SELECT id::text FROM dead_letters WHERE archive_key = 'foreign-key'")
            let replayed = try SwitchyardProcess.run(["dlq", "replay", forged], environment: fleet.environment)
            #expect(replayed.status == 0 && replayed.standardOutput.contains("to sy.events probe.run"), "\(replayed.standardOutput)")
            let refused = try SwitchyardProcess.run(["dlq", "replay", foreign], environment: fleet.environment)
            #expect(refused.status == 1 && refused.standardOutput.contains("is not bound to origin queue sy.work.probe"), "\(refused.standardOutput)")
            let depths = try await fleet.depths(["sy.work.probe", "sy.work.analysis"])
            #expect(depths == ["sy.work.probe": 1, "sy.work.analysis": 0], "\(depths)")
        }
    }
}
