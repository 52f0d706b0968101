// Chatbot automations end to end: events from a chatbot start only that chatbot's workflows,
// through the real ingress, broker, workers and database.

import Foundation
import Switchyard
import SwitchyardAMQP
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct AutomationTests {
    @Test func eachOperatorAllAndAnyMatchOnlyTheEventsTheyDescribe() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let support = try await harness.chatbot("Support", key: harness.tenants.a.key)
            let sales = try await harness.chatbot("Sales", key: harness.tenants.a.key)
            let message = "chatbot.message.received"
            func trigger(_ type: String, _ conditions: String, match: String = "all") -> String {
                #"{"event_type":"\#(type)","conditions":\#(conditions),"match":"\#(match)"}"#
            }
            try await harness.automation(on: support, name: "negative", trigger: trigger(
                "chatbot.sentiment.analysed", #"[{"path":"$.polarity","op":"lt","value":-0.5}]"#))
            try await harness.automation(on: support, name: "not-positive", trigger: trigger(
                "chatbot.sentiment.analysed", #"[{"path":"$.sentiment","op":"ne","value":"positive"},{"path":"$.score","op":"gte","value":0.9}]"#))
            try await harness.automation(on: support, name: "refund", trigger: trigger(
                message, #"[{"path":"$.text","op":"matches","value":"refund|cancel"}]"#))
            try await harness.automation(
                on: support, name: "vip-refund",
                trigger: trigger(message, #"[{"path":"$.text","op":"contains","value":"refund"},{"path":"$.sender.tier","op":"eq","value":"vip"}]"#),
                extra: #","input_map":{"text":"$.event.text","bot":"$.chatbot.name","tier":"$.event.sender.tier"}"#)
            try await harness.automation(on: support, name: "greeting-or-gold", trigger: trigger(
                message, #"[{"path":"$.text","op":"starts_with","value":"hi"},{"path":"$.sender.tier","op":"in","value":["gold","vip"]}]"#,
                match: "any"))
            try await harness.automation(on: support, name: "inactive", trigger: trigger(message, "[]"), extra: #","is_active":false"#)
            try await harness.automation(on: support, name: "labelled", trigger: trigger(
                "chatbot.image.analysed", #"[{"path":"$.labels","op":"contains","value":"receipt"},{"path":"$.image_url","op":"exists","value":false}]"#))
            try await harness.automation(on: support, name: "long", trigger: trigger(
                "chatbot.conversation.ended", #"[{"path":"$.message_count","op":"gt","value":10},{"path":"$.duration_seconds","op":"lte","value":60},{"path":"$.resolved","op":"exists"}]"#))
            try await harness.automation(on: sales, name: "sales-any", trigger: trigger(message, "[]"))
            try harness.workers()

            let sentimentBad = try await harness.send("chatbot.sentiment.analysed",
                #"{"v":1,"chatbot_id":"\#(support)","sentiment":"negative","polarity":-0.8,"score":0.95}"#)
            let sentimentMild = try await harness.send("chatbot.sentiment.analysed",
                #"{"v":1,"chatbot_id":"\#(support)","sentiment":"neutral","polarity":-0.2,"score":0.5}"#)
            let vipRefund = try await harness.send(message,
                #"{"v":1,"chatbot_id":"\#(support)","text":"I want a refund","sender":{"tier":"vip"}}"#)
            let plainRefund = try await harness.send(message, #"{"v":1,"chatbot_id":"\#(support)","text":"please cancel, refund me"}"#)
            let hello = try await harness.send(message, #"{"v":1,"chatbot_id":"\#(support)","text":"hello"}"#)
            let hi = try await harness.send(message, #"{"v":1,"chatbot_id":"\#(support)","text":"hi there"}"#)
            let receipt = try await harness.send("chatbot.image.analysed",
                #"{"v":1,"chatbot_id":"\#(support)","labels":["receipt","paper"]}"#)
            let linkedReceipt = try await harness.send("chatbot.image.analysed",
                #"{"v":1,"chatbot_id":"\#(support)","labels":["receipt"],"image_url":"https://example.com/r.png"}"#)
            let longChat = try await harness.send("chatbot.conversation.ended",
                #"{"v":1,"chatbot_id":"\#(support)","conversation_id":"c-1","message_count":12,"duration_seconds":60.0,"resolved":false}"#)
            let slowChat = try await harness.send("chatbot.conversation.ended",
                #"{"v":1,"chatbot_id":"\#(support)","conversation_id":"c-2","message_count":12,"duration_seconds":61,"resolved":true}"#)
            let toSales = try await harness.send(message, #"{"v":1,"chatbot_id":"\#(sales)","text":"refund"}"#)

            #expect(try await harness.matched(sentimentBad) == ["negative", "not-positive"])
            #expect(try await harness.matched(sentimentMild) == [], "-0.2 is not < -0.5 and 0.5 is not >= 0.9")
            #expect(try await harness.matched(vipRefund) == ["greeting-or-gold", "refund", "vip-refund"])
            #expect(try await harness.matched(plainRefund) == ["refund"], "no sender: eq on a missing path is false")
            #expect(try await harness.matched(hello) == [], "the inactive automation matches nothing")
            #expect(try await harness.matched(hi) == ["greeting-or-gold"], "any: one condition is enough")
            #expect(try await harness.matched(receipt) == ["labelled"])
            #expect(try await harness.matched(linkedReceipt) == [], "exists false: the image_url must be absent")
            #expect(try await harness.matched(longChat) == ["long"], "duration 60.0 <= 60 (numbers by value), resolved exists")
            #expect(try await harness.matched(slowChat) == [])
            #expect(try await harness.matched(toSales) == ["sales-any"], "only the named chatbot's automations")

            let vip = try await harness.wait(
                try await fleet.text(
                    """
                    SELECT e.id::text FROM automation_executions e JOIN automations a ON a.id = e.automation_id
                    WHERE e.event_id = '\(vipRefund)' AND a.name = 'vip-refund'
                    """),
                for: "completed")
            #expect(AutomationHarness.log(vip) == ["matched", "pending@echo", "running@echo", "completed"], "\(vip)")
            #expect(vip["event_type"] as? String == message && vip["event_id"] as? String == vipRefund)
            #expect((vip["trigger_data"] as? [String: Any])?["text"] as? String == "I want a refund")
            // The event is stored once for its three executions, which read it from there.
            #expect(try await fleet.count("SELECT count(*) FROM automation_events WHERE event_id = '\(vipRefund)'") == 1)
            #expect(try await fleet.count(
                "SELECT count(*) FROM automation_executions WHERE event_id = '\(vipRefund)' AND trigger_data IS NULL") == 3)
            let matched = try #require(vip["matched"] as? [[String: Any]])
            #expect(matched.compactMap { $0["op"] as? String } == ["contains", "eq"], "\(matched)")
            #expect(matched.last?["actual"] as? String == "vip", "the value the path selected")
            let job = try await harness.ingress.send(.get, "/v1/jobs/\(try #require(vip["job_id"] as? String))", key: harness.tenants.a.key)
            #expect(job.json["input"] as? [String: String] == ["text": "I want a refund", "bot": "Support", "tier": "vip"],
                    "the input_map over the event and the chatbot: \(job.bodyText)")
            let plain = try await harness.wait(try await harness.executionID(of: plainRefund), for: "completed")
            #expect((plain["trigger_data"] as? [String: Any])?["text"] as? String == "please cancel, refund me")
            #expect(try await fleet.count("SELECT count(*) FROM automation_events WHERE event_id = '\(plainRefund)'") == 0,
                    "a lone execution holds its event itself")
            let plainJob = try await harness.ingress.send(.get, "/v1/jobs/\(try #require(plain["job_id"] as? String))", key: harness.tenants.a.key)
            #expect((plainJob.json["input"] as? [String: Any])?["chatbot_id"] as? String == support, "no input_map: the whole event")

            let listed = try await harness.ingress.send(.get, "/v1/chatbots/\(support)/executions?status=completed&limit=100", key: harness.tenants.a.key)
            #expect(listed.status == 200, "\(listed.bodyText)")
            try await eventually("every execution of Support to complete", timeout: .seconds(30)) {
                try await fleet.count(
                    "SELECT count(*) FROM automation_executions WHERE chatbot_id = '\(support)' AND status <> 'completed'") == 0
            }
            let page = try await harness.ingress.send(.get, "/v1/chatbots/\(support)/executions?limit=3", key: harness.tenants.a.key)
            #expect((page.json["executions"] as? [Any])?.count == 3 && page.json["next_cursor"] is String, "\(page.bodyText)")
            let next = try await harness.ingress.send(
                .get, "/v1/chatbots/\(support)/executions?limit=100&cursor=\(try #require(page.json["next_cursor"] as? String))",
                key: harness.tenants.a.key)
            #expect((next.json["executions"] as? [Any])?.count == 6, "9 executions of Support in all: \(next.bodyText)")
            #expect(try await harness.ingress.send(.get, "/v1/chatbots/\(support)/executions?status=done", key: harness.tenants.a.key)
                .errorField == "status")
            // The stored event goes with the last of its executions.
            try await fleet.execute("""
                DELETE FROM automation_executions WHERE event_id = '\(vipRefund)'
                  AND automation_id IN (SELECT id FROM automations WHERE name IN ('refund', 'vip-refund'))
                """)
            #expect(try await fleet.count("SELECT count(*) FROM automation_events WHERE event_id = '\(vipRefund)'") == 1)
            try await fleet.execute("DELETE FROM automation_executions WHERE event_id = '\(vipRefund)'")
            #expect(try await fleet.count("SELECT count(*) FROM automation_events WHERE event_id = '\(vipRefund)'") == 0)
            #expect(try await fleet.count("SELECT count(*) FROM automation_events") > 0, "the other events stay")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func anEventNamingAnotherTenantsChatbotMatchesNothingAndEveryRouteIs404ForOtherTenants() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let (a, b) = (harness.tenants.a.key, harness.tenants.b.key)
            let mine = try await harness.chatbot("A's bot", key: a)
            let theirs = try await harness.chatbot("B's bot", key: b)
            let automation = try #require(try await harness.automation(
                on: mine, name: "everything", trigger: #"{"event_type":"chatbot.message.received"}"#)["id"] as? String)
            try harness.workers()

            let fromB = try await harness.send("chatbot.message.received", #"{"v":1,"chatbot_id":"\#(mine)","text":"hi"}"#, key: b)
            let unknown = try await harness.send(
                "chatbot.message.received", #"{"v":1,"chatbot_id":"\#(UUID().uuidString)","text":"hi"}"#)
            let notAUUID = try await harness.send("chatbot.message.received", #"{"v":1,"chatbot_id":"bot-1","text":"hi"}"#)
            let fromA = try await harness.send("chatbot.message.received", #"{"v":1,"chatbot_id":"\#(mine)","text":"hi"}"#)
            #expect(try await harness.matched(fromB) == [], "B's event names A's chatbot: nothing runs")
            #expect(try await harness.matched(unknown) == [])
            #expect(try await harness.matched(notAUUID) == [])
            #expect(try await harness.matched(fromA) == ["everything"])
            let execution = try await harness.executionID(of: fromA)
            #expect(try await fleet.count("SELECT count(*) FROM automation_executions") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM jobs WHERE tenant_id = '\(harness.tenants.b.id)'") == 0)

            let ingress = harness.ingress
            let notFound: [(HTTPMethod, String, String?)] = [
                (.get, "/v1/chatbots/\(mine)", nil),
                (.get, "/v1/chatbots/\(mine)/automations", nil),
                (.post, "/v1/chatbots/\(mine)/automations", #"{"name":"x","trigger":{"event_type":"chatbot.message.received"},"workflow_id":"echo"}"#),
                (.get, "/v1/automations/\(automation)", nil),
                (.patch, "/v1/automations/\(automation)", #"{"is_active":false}"#),
                (.delete, "/v1/automations/\(automation)", nil),
                (.post, "/v1/automations/\(automation)/copy", #"{"chatbot_id":"\#(theirs)"}"#),
                (.get, "/v1/automations/\(automation)/changes", nil),
                (.get, "/v1/chatbots/\(mine)/executions", nil),
                (.get, "/v1/executions/\(execution)", nil),
                (.get, "/v1/executions/\(execution)/events", nil),
                (.get, "/v1/executions/not-a-uuid", nil),
            ]
            for (method, path, body) in notFound {
                let response = try await ingress.send(method, path, key: b, body: body)
                #expect(response.status == 404 && response.errorCode == "not_found", "\(method) \(path) as B: \(response.status) \(response.bodyText)")
            }
            let listedByB = try await ingress.send(.get, "/v1/chatbots", key: b)
            #expect((listedByB.json["chatbots"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [theirs])
            let copyToTheirs = try await ingress.send(.post, "/v1/automations/\(automation)/copy", key: a, body: #"{"chatbot_id":"\#(theirs)"}"#)
            #expect(copyToTheirs.status == 404 && copyToTheirs.errorField == "/chatbot_id", "\(copyToTheirs.bodyText)")
            #expect(try await ingress.send(.get, "/v1/automations/\(automation)", key: a).json["is_active"] as? Bool == true,
                    "B's PATCH and DELETE changed nothing")
            #expect(try await fleet.count("SELECT count(*) FROM automation_changes") == 1, "only A's create is logged")
            await ingress.client.shutdown()
        }
    }

    @Test func aRedeliveredResentOrRetriedEventStartsOneExecutionWhileWorkersAreKilled() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let bot = try await harness.chatbot("Busy", key: harness.tenants.a.key)
            try await harness.automation(on: bot, name: "first", trigger: #"{"event_type":"chatbot.message.received"}"#)
            try await harness.automation(
                on: bot, name: "second",
                trigger: #"{"event_type":"chatbot.message.received","conditions":[{"path":"$.n","op":"gte","value":0}]}"#)
            var worker = try harness.workers()

            // A producer retrying with the same Idempotency-Key gets the same message id.
            let first = try await harness.send("chatbot.message.received", #"{"v":1,"chatbot_id":"\#(bot)","text":"x","n":-1}"#, idempotencyKey: "k-1")
            let again = try await harness.send("chatbot.message.received", #"{"v":1,"chatbot_id":"\#(bot)","text":"x","n":-1}"#, idempotencyKey: "k-1")
            #expect(first == again)
            #expect(try await harness.matched(first) == ["first"])

            // The broker delivering the same message again (as after a lost acknowledgement).
            let connection = try await AMQPConnection.connect(url: fleet.vhost.amqpURL)
            let channel = try await connection.openChannel(confirms: true)
            let duplicate = OutgoingEvent(
                type: "chatbot.message.received", body: Array(#"{"v":1,"chatbot_id":"\#(bot)","text":"x","n":-1}"#.utf8), messageID: first,
                tenantID: harness.tenants.a.id
            ).message(exchange: "sy.events", appID: "test")
            for outcome in await channel.publish([duplicate, duplicate]) { try outcome.get() }
            await connection.close()

            // Events arriving while the worker is killed twice.
            let events = 60
            let sender = Task {
                var ids: [String] = []
                for index in 0..<events {
                    ids.append(try await harness.send(
                        "chatbot.message.received", #"{"v":1,"chatbot_id":"\#(bot)","text":"m\#(index)","n":\#(index)}"#,
                        idempotencyKey: "burst-\(index)"))
                    try await Task.sleep(for: .milliseconds(10))
                }
                return ids
            }
            for _ in 0..<2 {
                let before = try await fleet.count("SELECT count(*) FROM automation_executions")
                try await eventually("more executions before the next kill", timeout: .seconds(30)) {
                    try await fleet.count("SELECT count(*) FROM automation_executions") > before + 10
                }
                kill(worker.processIdentifier, SIGKILL)
                worker.waitUntilExit()
                worker = try harness.workers()
            }
            let ids = try await sender.value
            #expect(Set(ids).count == events)
            try await eventually("two executions per burst event, all completed", timeout: .seconds(60)) {
                try await fleet.count("SELECT count(*) FROM automation_executions WHERE status = 'completed'") == 1 + 2 * events
            }
            #expect(try await fleet.count("SELECT count(*) FROM automation_executions") == 1 + 2 * events, "none doubled")
            #expect(try await fleet.count("SELECT count(*) FROM automation_executions WHERE event_id = '\(first)'") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == 1 + 2 * events, "one job per execution")
            #expect(try await fleet.count("SELECT count(*) FROM jobs WHERE jsonb_array_length(state_history) <> 3") == 0,
                    "every job ran once: pending, running, completed")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func anExecutionFollowsItsJobToFailureAndItsStreamShowsEachStep() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let bot = try await harness.chatbot("Ops", key: harness.tenants.a.key)
            try await harness.ingress.send(.put, "/v1/workflows/two-steps", key: harness.tenants.a.key, body: """
                {"name": "Two steps", "definition": {"start_step": "one", "steps": {
                  "one": {"transformer_id": "echo", "next_step": "two"}, "two": {"transformer_id": "map"}}}}
                """).requireStatus(201)
            try await harness.automation(on: bot, name: "works", trigger: #"{"event_type":"chatbot.conversation.started"}"#, workflow: "two-steps")
            // A workflow the API would refuse (stored before validation existed): its job fails at its step.
            try await fleet.execute(
                """
                WITH w AS (INSERT INTO workflows (id, tenant_id, name, definition) VALUES ('teleport', '\(harness.tenants.a.id)', 'Teleport',
                    '{"start_step":"beam","steps":{"beam":{"transformer_id":"teleport"}}}') RETURNING id, tenant_id, name, definition)
                INSERT INTO workflow_versions (tenant_id, workflow_id, version, name, definition) SELECT tenant_id, id, 1, name, definition FROM w
                """)
            try await harness.automation(on: bot, name: "breaks", trigger: #"{"event_type":"chatbot.conversation.ended"}"#, workflow: "teleport")
            try harness.workers()

            let started = try await harness.send("chatbot.conversation.started", #"{"v":1,"chatbot_id":"\#(bot)","conversation_id":"c"}"#)
            let execution = try await harness.executionID(of: started)
            let stream = try await LiveUpdatesTests.follow(harness.tenants, "/v1/executions/\(execution)/events")
            let updates = try await stream.rest()
            stream.close()
            #expect(updates.compactMap { $0.json["status"] as? String } == ["pending", "running", "running", "completed"], "\(fleet.logs())")
            #expect(updates.compactMap { ($0.json["log_entry"] as? [String: Any])?["step_id"] as? String } == ["one", "one", "two"])
            let done = try await harness.execution(execution)
            #expect(AutomationHarness.log(done) == ["matched", "pending@one", "running@one", "running@two", "completed"])
            #expect(done["completed_at"] is String && done["error"] is NSNull)

            let ended = try await harness.send("chatbot.conversation.ended", #"{"v":1,"chatbot_id":"\#(bot)","conversation_id":"c"}"#)
            let failed = try await harness.wait(try await harness.executionID(of: ended), for: "failed")
            #expect(AutomationHarness.log(failed) == ["matched", "pending@beam", "failed@beam"], "\(failed)")
            #expect((failed["error"] as? String)?.contains("no transformer 'teleport'") == true, "\(failed)")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func aChangedAutomationGovernsTheNextEventAndEveryChangeIsLogged() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let ingress = harness.ingress
            let key = harness.tenants.a.key
            let bot = try await harness.chatbot("Moody", key: key)
            let other = try await harness.chatbot("Other", key: key)
            let created = try await harness.automation(
                on: bot, name: "very negative",
                trigger: #"{"event_type":"chatbot.sentiment.analysed","conditions":[{"path":"$.polarity","op":"lt","value":-0.5}]}"#)
            let id = try #require(created["id"] as? String)
            #expect(created["version"] as? Int == 1 && created["is_active"] as? Bool == true && created["chatbot_id"] as? String == bot)
            let port = try freeLoopbackPort()
            try harness.workers(["automations", "workflow"], ["--metrics-port", "\(port)"])
            try await eventually("the worker to follow automation changes", timeout: .seconds(20)) {
                fleet.logs().contains("following automation changes")
            }
            func sentiment(_ polarity: Double, to chatbot: String? = nil) async throws -> [String] {
                try await harness.matched(try await harness.send(
                    "chatbot.sentiment.analysed", #"{"v":1,"chatbot_id":"\#(chatbot ?? bot)","sentiment":"negative","polarity":\#(polarity)}"#))
            }
            func loads() async throws -> Double? { try await harness.metric("switchyard_automation_chatbot_loads_total", port: port) }
            #expect(try await sentiment(-0.3) == [])
            #expect(try await sentiment(-0.4) == [])
            #expect(try await loads() == 1, "the second event of the chatbot matched from the cache")

            let patched = try await ingress.send(.patch, "/v1/automations/\(id)", key: key, body: """
                {"trigger": {"event_type":"chatbot.sentiment.analysed","conditions":[{"path":"$.polarity","op":"lt","value":-0.2}]}}
                """)
            #expect(patched.status == 200 && patched.json["version"] as? Int == 2, "\(patched.bodyText)")
            #expect(try await sentiment(-0.3) == ["very negative"], "the cached trigger was replaced")
            #expect(try await loads() == 2, "the change made the worker read the chatbot once more")

            #expect(try await ingress.send(.patch, "/v1/automations/\(id)", key: key, body: #"{"is_active":false}"#).status == 200)
            #expect(try await sentiment(-0.9) == [], "an inactive automation matches nothing")
            #expect(try await ingress.send(.patch, "/v1/automations/\(id)", key: key, body: #"{"is_active":true,"name":"negative"}"#).status == 200)

            let copy = try await ingress.send(.post, "/v1/automations/\(id)/copy", key: key, body: #"{"chatbot_id":"\#(other)"}"#)
            #expect(copy.status == 201 && copy.json["chatbot_id"] as? String == other && copy.json["name"] as? String == "negative",
                    "\(copy.bodyText)")
            let copyID = try #require(copy.json["id"] as? String)
            #expect(copyID != id)
            #expect(try await sentiment(-0.3, to: other) == ["negative"], "the copy runs for the other chatbot")

            #expect(try await ingress.send(.delete, "/v1/automations/\(id)", key: key).status == 204)
            #expect(try await ingress.send(.get, "/v1/automations/\(id)", key: key).status == 404)
            #expect(try await sentiment(-0.9) == [], "a deleted automation matches nothing")

            let changes = try await ingress.send(.get, "/v1/automations/\(id)/changes", key: key)
            let entries = try #require(changes.json["changes"] as? [[String: Any]], "\(changes.bodyText)")
            #expect(entries.compactMap { $0["action"] as? String } == ["create", "update", "update", "update", "delete"])
            #expect(entries.allSatisfy { ($0["api_key_id"] as? String)?.isEmpty == false })
            let firstUpdate = entries[1]
            #expect((((firstUpdate["before"] as? [String: Any])?["trigger"] as? [String: Any])?["conditions"] as? [[String: Any]])?
                .first?["value"] as? Double == -0.5)
            #expect((((firstUpdate["after"] as? [String: Any])?["trigger"] as? [String: Any])?["conditions"] as? [[String: Any]])?
                .first?["value"] as? Double == -0.2)
            #expect(entries.last?["after"] is NSNull && entries.last?["before"] is [String: Any])
            let copied = try await ingress.send(.get, "/v1/automations/\(copyID)/changes", key: key)
            #expect((copied.json["changes"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["copy"])
            await ingress.client.shutdown()
        }
    }

    @Test func anInputMapThatWouldWorkForMinutesFailsItsExecutionAndTheWorkerKeepsServing() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let support = try await harness.chatbot("Support", key: harness.tenants.a.key)
            let message = "chatbot.message.received"
            try await harness.automation(
                on: support, name: "walker", trigger: #"{"event_type":"\#(message)","conditions":[],"match":"all"}"#,
                extra: #","input_map":{"all":"$..[?count($..*) > 0]"}"#)
            try harness.workers()
            // Every node of the event walks the whole event again: 45,000 x 45,000 steps.
            let pairs = (0..<15_000).map { "[\($0),\($0)]" }.joined(separator: ",")
            let walked = try await harness.send(message, #"{"v":1,"chatbot_id":"\#(support)","text":"hi","pairs":[\#(pairs)]}"#)
            let failed = try await harness.wait(try await harness.executionID(of: walked), for: "failed")
            #expect((failed["error"] as? String)?.contains("the input_map: the query $..[?count($..*) > 0] needs more work") == true, "\(failed)")
            #expect(failed["job_id"] is NSNull, "no job started")
            let small = try await harness.send(message, #"{"v":1,"chatbot_id":"\#(support)","text":"hi"}"#)
            let done = try await harness.wait(try await harness.executionID(of: small), for: "completed")
            #expect(done["job_id"] is String, "a small event's map is cheap: \(done)")
            await harness.ingress.client.shutdown()
        }
    }

    /// Each automation's job holds its own copy of what its map selects: the jobs one event
    /// starts hold at most 64 MiB of input between them, and the executions past it say why
    /// they started none.
    @Test func theJobsOneEventStartsHoldAtMostTheLimitOfInputBetweenThem() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let support = try await harness.chatbot("Support", key: harness.tenants.a.key)
            let message = "chatbot.message.received"
            // A hundred copies of a 150 KB text are 15 MB a job: four fit, the fifth does not.
            let copies = (0..<100).map { #""k\#($0)":"$.event.text""# }.joined(separator: ",")
            for index in 1...5 {
                try await harness.automation(
                    on: support, name: "copy-\(index)", trigger: #"{"event_type":"\#(message)","conditions":[],"match":"all"}"#,
                    extra: #","input_map":{\#(copies)}"#)
            }
            try harness.workers(["automations"])
            let event = try await harness.send(message, #"{"v":1,"chatbot_id":"\#(support)","text":"\#(String(repeating: "x", count: 150_000))"}"#)
            #expect(try await harness.matched(event).count == 5)
            #expect(try await fleet.count("SELECT count(*) FROM automation_executions WHERE event_id = '\(event)' AND job_id IS NOT NULL") == 4)
            let refused = try await fleet.text("SELECT coalesce(string_agg(error, ' | '), '') FROM automation_executions WHERE event_id = '\(event)' AND job_id IS NULL")
            #expect(refused == "the jobs this event starts would hold more than 67108864 bytes of input; no job started")
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == 4)
            // The 150 KB event is stored once, not once per execution.
            #expect(try await fleet.count(
                "SELECT coalesce(sum(octet_length(data::text)), 0)::int FROM automation_events") < 200_000)
            #expect(try await fleet.count(
                "SELECT coalesce(sum(octet_length(trigger_data::text)), 0)::int FROM automation_executions") == 0)
            await harness.ingress.client.shutdown()
        }
    }

    @Test func aBadAutomationIsRefusedWithEveryProblemByJSONPointerAndChangesNothing() async throws {
        try await withFleet { fleet in
            let harness = try await AutomationHarness.start(fleet)
            let ingress = harness.ingress
            let key = harness.tenants.a.key
            let bot = try await harness.chatbot("Strict", key: key)
            let bad = try await ingress.send(.post, "/v1/chatbots/\(bot)/automations", key: key, body: """
                {"name": "", "workflow_id": "echo", "colour": "red", "input_map": {"x": "$..["},
                 "trigger": {"event_type": "conversation.ended",
                             "conditions": [{"path": "$.a[*]", "op": "eq", "value": 1}, {"path": "$.b", "op": "like", "value": "x"},
                                            {"path": "$.c", "op": "in", "value": 3}, {"path": "$.d", "op": "matches", "value": "(a"}],
                             "match": "most"}}
                """)
            #expect(bad.status == 400 && bad.errorCode == "invalid_automation", "\(bad.bodyText)")
            let fields = Set(((bad.json["error"] as? [String: Any])?["problems"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            for field in ["/name", "/colour", "/input_map/x", "/trigger/event_type", "/trigger/conditions/0/path", "/trigger/conditions/1/op",
                          "/trigger/conditions/2/value", "/trigger/conditions/3/value", "/trigger/match"] {
                #expect(fields.contains(field), "\(field) is named: \(fields.sorted())")
            }
            let theirs = try await ingress.send(
                .put, "/v1/workflows/b-flow", key: harness.tenants.b.key,
                body: #"{"name":"B","definition":{"start_step":"s","steps":{"s":{"transformer_id":"echo"}}}}"#)
            #expect(theirs.status == 201)
            let otherWorkflow = try await ingress.send(.post, "/v1/chatbots/\(bot)/automations", key: key, body: """
                {"name": "x", "trigger": {"event_type": "chatbot.message.received"}, "workflow_id": "b-flow"}
                """)
            #expect(otherWorkflow.status == 400 && otherWorkflow.errorField == "/workflow_id", "another tenant's workflow: \(otherWorkflow.bodyText)")
            let good = try await harness.automation(on: bot, name: "ok", trigger: #"{"event_type":"chatbot.message.received"}"#)
            let id = try #require(good["id"] as? String)
            let badPatch = try await ingress.send(.patch, "/v1/automations/\(id)", key: key, body: #"{"is_active":"yes","trigger":{"event_type":"x"}}"#)
            #expect(badPatch.status == 400 && badPatch.errorCode == "invalid_automation")
            #expect(try await ingress.send(.patch, "/v1/automations/\(id)", key: key, body: "{}").status == 400)
            #expect(try await ingress.send(.patch, "/v1/automations/\(id)", key: key, body: #"{"workflow_id":"b-flow"}"#).errorField == "/workflow_id")
            #expect(try await ingress.send(.post, "/v1/chatbots", key: key, body: #"{"name":"a\u0000b"}"#).status == 400)
            #expect(try await ingress.send(.post, "/v1/chatbots/\(bot)/automations", key: key, body: "[1]").status == 400)
            let shown = try await ingress.send(.get, "/v1/automations/\(id)", key: key)
            #expect(shown.json["version"] as? Int == 1 && shown.json["workflow_id"] as? String == "echo", "refused changes changed nothing")
            #expect(try await fleet.count("SELECT count(*) FROM automations") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM automation_changes") == 1)

            let types = try await ingress.send(.get, "/v1/event-types", key: nil)
            let chatbotTypes = ((types.json["event_types"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }.filter { $0.hasPrefix("chatbot.") }
            #expect(Set(chatbotTypes) == ["chatbot.message.received", "chatbot.sentiment.analysed", "chatbot.image.analysed",
                                          "chatbot.conversation.started", "chatbot.conversation.ended"])
            let started = try await ingress.send(.post, "/v1/events", key: key, body: #"{"type":"chatbot.conversation.started","body":{"v":1,"chatbot_id":"\#(bot)"}}"#)
            #expect(started.status == 422 && started.errorField == "body.conversation_id", "the catalog's required field")
            await ingress.client.shutdown()
        }
    }
}

extension HTTPResponse {
    /// Requires `status`, naming the body otherwise.
    func requireStatus(_ status: Int) throws {
        try #require(self.status == status, "expected \(status), got \(self.status): \(bodyText)")
    }
}
