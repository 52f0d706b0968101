// A workflow that triggers itself through Switchyard's own API stops after WorkflowHops.limit
// rounds: Switchyard-Hop on the http step's requests, sy-hop on the events, hops on the jobs.

import Foundation
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct WorkflowHopsTests {
    @Test func aWorkflowWhoseStepPostsTheEventThatStartsItStopsAfterTheLimit() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            let automations = AutomationHarness(fleet: fleet, tenants: harness.tenants)
            let chatbot = try await automations.chatbot("echoer", key: harness.tenants.a.key)
            // The step posts, with the tenant's own key, the very event its automation matches.
            try await harness.configure("self-api", """
                {"type": "http", "description": "this ingress's events, with the tenant's key",
                 "config": {"url": "http://127.0.0.1:\(harness.ingress.port)/v1/events", "method": "POST",
                            "headers": {"Authorization": "Bearer {{secrets.key}}"},
                            "body": {"type": "chatbot.message.received", "body": {"v": 1, "chatbot_id": "\(chatbot)", "text": "again"}},
                            "secrets": {"key": "\(harness.tenants.a.key)"}}}
                """)
            try await harness.define("again", #"{"start_step": "post", "steps": {"post": {"transformer_id": "self-api", "next_step": null}}}"#)
            try await automations.automation(
                on: chatbot, name: "again", trigger: #"{"event_type":"chatbot.message.received","conditions":[{"path":"$.text","op":"eq","value":"again"}],"match":"all"}"#,
                workflow: "again")
            try fleet.startWorker(["automations", "workflow"], environment: WorkflowHarness.workerEnvironment)

            try await automations.send("chatbot.message.received", #"{"v":1,"chatbot_id":"\#(chatbot)","text":"again"}"#)
            let last = WorkflowHops.limit - 1
            try await eventually("the job at hop \(last) to fail", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM jobs WHERE workflow_id = 'again' AND hops = \(last) AND status = 'failed'") == 1
            }
            #expect(try await fleet.text("SELECT string_agg(hops::text || ':' || status, ',' ORDER BY hops) FROM jobs WHERE workflow_id = 'again'")
                == (0..<last).map { "\($0):completed" }.joined(separator: ",") + ",\(last):failed")
            let error = try await fleet.text("SELECT coalesce(error, '') FROM jobs WHERE workflow_id = 'again' AND hops = \(last)")
            #expect(error.contains("HTTP 422") && error.contains("loop_detected"), "\(error)")
            #expect(try await fleet.count("SELECT count(*) FROM automation_executions") == WorkflowHops.limit)
            #expect(try await fleet.count("SELECT count(*) FROM automation_executions WHERE status = 'completed'") == last)
            // The refused request published nothing: no ninth event, execution or job.
            #expect(try await fleet.count("SELECT count(*) FROM inbox WHERE consumer LIKE '%automations%'") == WorkflowHops.limit)
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == WorkflowHops.limit)
            await harness.ingress.client.shutdown()
        }
    }

    @Test func anEventPublishedStraightToTheBrokerAtTheLimitStartsNoJob() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            let automations = AutomationHarness(fleet: fleet, tenants: harness.tenants)
            let chatbot = try await automations.chatbot("direct", key: harness.tenants.a.key)
            try await automations.automation(
                on: chatbot, name: "echo", trigger: #"{"event_type":"chatbot.message.received","conditions":[{"path":"$.text","op":"eq","value":"hi"}],"match":"all"}"#)
            try fleet.startWorker(["automations", "workflow"])
            // A producer with AMQP credentials sets the header itself: the limit, a count below
            // it, and one no chain can have.
            func event(_ hop: Int64) -> AMQPOutgoingMessage {
                AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.automations", body: Array(#"{"v":1,"chatbot_id":"\#(chatbot)","text":"hi"}"#.utf8),
                    properties: AMQPProperties(
                        headers: [MessageHeaders.tenant: .string(harness.tenants.a.id), MessageHeaders.hop: .int64(hop)],
                        messageID: "hop-\(hop)", type: "chatbot.message.received"))
            }
            try await AbuseWorkerTests.publish(fleet, [event(Int64(WorkflowHops.limit)), event(3), event(-5)])
            try await eventually("three executions", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM automation_executions") == 3
            }
            let refused = try await fleet.text(
                "SELECT status || ' ' || coalesce(job_id::text, 'no job') || ' ' || error FROM automation_executions WHERE event_id = 'hop-\(WorkflowHops.limit)'")
            #expect(refused.hasPrefix("failed no job a loop:"), "\(refused)")
            #expect(try await fleet.text(
                "SELECT string_agg(e.event_id || '=' || j.hops, ',' ORDER BY e.event_id) FROM automation_executions e JOIN jobs j ON j.id = e.job_id")
                == "hop--5=0,hop-3=3")
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == 2)
            await harness.ingress.client.shutdown()
        }
    }

    @Test func theAPIKeepsTheHopOnItsJobsAndRefusesTheLimitAndAnythingButANumber() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let ingress = tenants.ingress
            func post(_ path: String, hop: String?, body: String) async throws -> HTTPResponse {
                var headers = [HTTPHeader("Authorization", "Bearer \(tenants.a.key)"), HTTPHeader("Content-Type", "application/json")]
                if let hop { headers.append(HTTPHeader(WorkflowHops.httpHeader, hop)) }
                return try await ingress.client.execute(HTTPRequest(
                    method: .post, url: "http://127.0.0.1:\(ingress.port)\(path)", headers: headers, body: Array(body.utf8)))
            }
            let job = #"{"input":{}}"#
            let created = try await post("/v1/workflows/echo/jobs", hop: "3", body: job)
            #expect(created.status == 201, "\(created.bodyText)")
            let jobID = try #require(created.json["job_id"] as? String)
            #expect(try await fleet.count("SELECT hops FROM jobs WHERE id = '\(jobID)'") == 3)
            let plain = try await post("/v1/workflows/echo/jobs", hop: nil, body: job)
            #expect(try await fleet.count("SELECT hops FROM jobs WHERE id = '\(try #require(plain.json["job_id"] as? String))'") == 0)

            let event = #"{"type":"chatbot.message.received","body":{"v":1,"chatbot_id":"\#(UUID())","text":"hi"}}"#
            for path in ["/v1/workflows/echo/jobs", "/v1/events"] {
                let body = path == "/v1/events" ? event : job
                let looped = try await post(path, hop: String(WorkflowHops.limit), body: body)
                #expect(looped.status == 422 && looped.bodyText.contains("loop_detected"), "\(path): \(looped.status) \(looped.bodyText)")
                #expect(looped.errorField == WorkflowHops.httpHeader)
                for hostile in ["-1", "1.5", "x", "", "0x1", "99999999999999999999"] {
                    let refused = try await post(path, hop: hostile, body: body)
                    #expect(refused.status == 400 && refused.bodyText.contains("invalid_header"), "\(path) '\(hostile)': \(refused.status) \(refused.bodyText)")
                    #expect(refused.errorField == WorkflowHops.httpHeader)
                }
            }
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == 2, "no refused request made a job")
            await ingress.client.shutdown()
        }
    }
}
