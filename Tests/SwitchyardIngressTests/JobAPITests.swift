import Foundation
import SwitchyardHTTP
import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// The tenant-scoped job API: jobs of the built-in `echo` workflow, listing with cursors,
/// generations with credits and daily limits, projects with build events, and row-level
/// security underneath.
@Suite(.serialized, .timeLimit(.minutes(3))) struct JobAPITests {
    /// Two tenants with a key each, and an ingress.
    struct Tenants {
        var ingress: IngressHarness
        var a: (id: String, key: String)
        var b: (id: String, key: String)

        static func start(_ fleet: Fleet, ingressArguments: [String] = [], environment: [String: String] = [:]) async throws -> Tenants {
            let a = try EventsTests.cli(fleet, ["tenants", "create", "tenant-a"])
            let b = try EventsTests.cli(fleet, ["tenants", "create", "tenant-b"])
            return Tenants(
                ingress: try await IngressHarness.start(fleet, arguments: ingressArguments, environment: environment),
                a: (a, try EventsTests.cli(fleet, ["keys", "create", "--tenant", a])),
                b: (b, try EventsTests.cli(fleet, ["keys", "create", "--tenant", b])))
        }
    }

    @Test func jobsBelongToTheirTenantAndAnotherTenantGets404() async throws {
        try await withFleet { fleet in
            let tenants = try await Tenants.start(fleet)
            let ingress = tenants.ingress
            let created = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":{"n":1}}"#)
            #expect(created.status == 201, "\(created.bodyText)")
            #expect(created.json["status"] as? String == "pending")
            #expect((created.json["created_at"] as? String)?.hasSuffix("Z") == true)
            let jobID = try #require(created.json["job_id"] as? String)

            let mine = try await ingress.send(.get, "/v1/jobs/\(jobID)", key: tenants.a.key)
            #expect(mine.status == 200 && mine.json["workflow_id"] as? String == "echo")
            #expect(mine.json["input"] as? [String: Int] == ["n": 1])
            let theirs = try await ingress.send(.get, "/v1/jobs/\(jobID)", key: tenants.b.key)
            #expect(theirs.status == 404 && theirs.errorCode == "not_found", "another tenant's job is 404, not 403")
            #expect(try await ingress.send(.get, "/v1/jobs/\(jobID)/events", key: tenants.b.key).status == 404)
            let listedForB = try await ingress.send(.get, "/v1/jobs", key: tenants.b.key)
            #expect((listedForB.json["jobs"] as? [Any])?.isEmpty == true, "\(listedForB.bodyText)")
            #expect(try await ingress.send(.get, "/v1/jobs/not-a-uuid", key: tenants.a.key).status == 404)
            #expect(try await ingress.send(.get, "/v1/jobs/\(jobID)", key: nil).status == 401)

            let unknown = try await ingress.send(.post, "/v1/workflows/no-such-flow/jobs", key: tenants.a.key, body: "{}")
            #expect(unknown.status == 404 && unknown.errorField == "workflow_id")
            let defined = try await ingress.send(
                .put, "/v1/workflows/b-only", key: tenants.b.key,
                body: #"{"name":"B","definition":{"start_step":"s","steps":{"s":{"transformer_id":"echo"}}}}"#)
            #expect(defined.status == 201, "\(defined.bodyText)")
            #expect(try await ingress.send(.post, "/v1/workflows/b-only/jobs", key: tenants.a.key, body: "{}").status == 404,
                    "another tenant's workflow is 404")
            #expect(try await ingress.send(.post, "/v1/workflows/b-only/jobs", key: tenants.b.key, body: "{}").status == 201)
            let extra = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":1,"tenant_id":"x"}"#)
            #expect(extra.status == 422 && extra.errorField == "tenant_id")
            let nul = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":"a\u0000b"}"#)
            #expect(nul.status == 422 && nul.errorCode == "invalid_value", "a value the database refuses is the client's to fix: \(nul.bodyText)")
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == 2, "refused requests wrote nothing")
            #expect(try await fleet.count("SELECT count(*) FROM outbox WHERE routing_key = 'workflow.step'") == 2)
            await ingress.client.shutdown()
        }
    }

    @Test func rowLevelSecurityShowsTheAPIRoleOnlyItsTenantAndNothingWithoutOne() async throws {
        try await withFleet { fleet in
            let a = try EventsTests.cli(fleet, ["tenants", "create", "tenant-a"])
            let b = try EventsTests.cli(fleet, ["tenants", "create", "tenant-b"])
            func echoJob(_ tenant: String) -> String {
                """
                INSERT INTO jobs (tenant_id, workflow_id, workflow_version_id, workflow_version)
                SELECT '\(tenant)', 'echo', id, version FROM workflow_versions WHERE tenant_id IS NULL AND workflow_id = 'echo'
                """
            }
            for tenant in [a, a, b] { try await fleet.execute(echoJob(tenant)) }
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == 3, "the fleet's own user sees every row")
            let connection = try await PostgresConnection.connect(url: fleet.database.url)
            func countAsAPIRole(tenant: String?) async throws -> [Int] {
                try await connection.withTransaction { connection in
                    try connection.execute("SET LOCAL ROLE switchyard_api")
                    if let tenant { _ = try connection.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenant]) }
                    return try ["jobs", "live_updates", "projects", "generation_jobs", "users", "idempotency_keys"].map { table in
                        try connection.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0)
                    } + [try connection.query("SELECT count(*) FROM jobs WHERE tenant_id = '\(b)'")[0].decode(Int.self, at: 0)]
                }
            }
            #expect(try await countAsAPIRole(tenant: nil) == [0, 0, 0, 0, 0, 0, 0], "no tenant setting, no rows")
            #expect(try await countAsAPIRole(tenant: a) == [2, 2, 0, 0, 0, 0, 0], "tenant A sees its two jobs, not B's")
            let smuggled = await #expect(throws: PostgresError.self) {
                try await connection.withTransaction { connection in
                    try connection.execute("SET LOCAL ROLE switchyard_api")
                    _ = try connection.query("SELECT set_config('switchyard.tenant_id', $1, true)", [a])
                    try connection.execute(echoJob(b))
                }
            }
            #expect(smuggled?.description.contains("row-level security") == true)

            // The outbox: the API role inserts its own tenant's events and reads back their ids only.
            func event(_ tenant: String?, _ id: String) -> String {
                let tenant = tenant.map { "'\($0)'" } ?? "NULL"
                return "INSERT INTO outbox (tenant_id, exchange, routing_key, message_id, body) VALUES (\(tenant), 'sy.events', 'probe.run', '\(id)', '\\x7b7d') RETURNING id"
            }
            for (tenant, id) in [(a, "a-1"), (b, "b-1"), (nil, "system-1")] as [(String?, String)] {
                try await fleet.execute(event(tenant, id))
            }
            let visible = try await connection.withTransaction { connection in
                try connection.execute("SET LOCAL ROLE switchyard_api")
                _ = try connection.query("SELECT set_config('switchyard.tenant_id', $1, true)", [a])
                _ = try connection.query(event(a, "a-2"))
                return try connection.query("SELECT count(id) FROM outbox")[0].decode(Int.self, at: 0)
            }
            #expect(visible == 2, "tenant A sees the ids of its own two events only")
            for (tenant, id) in [(b, "b-2"), (nil, "system-2")] as [(String?, String)] {
                let refused = await #expect(throws: PostgresError.self, "tenant A inserting \(id)") {
                    try await connection.withTransaction { connection in
                        try connection.execute("SET LOCAL ROLE switchyard_api")
                        _ = try connection.query("SELECT set_config('switchyard.tenant_id', $1, true)", [a])
                        _ = try connection.query(event(tenant, id))
                    }
                }
                #expect(refused?.description.contains("row-level security") == true, "\(String(describing: refused))")
            }
            #expect(try await fleet.text("SELECT string_agg(message_id, ',' ORDER BY message_id) FROM outbox") == "a-1,a-2,b-1,system-1",
                    "the fleet's user sees every event, and the refused ones were not written")
            let owner = try await connection.query(
                "SELECT rolbypassrls, rolsuper, (SELECT count(*) FROM pg_class WHERE relowner = r.oid) FROM pg_roles r WHERE rolname = 'switchyard_api'")[0]
            #expect(try owner.decode(Bool.self, at: 0) == false && owner.decode(Bool.self, at: 1) == false && owner.decode(Int.self, at: 2) == 0,
                    "the API role can't bypass RLS and owns nothing")
            #expect(try await fleet.count("SELECT count(*) FROM pg_class WHERE relname IN ('jobs', 'outbox') AND relrowsecurity AND relforcerowsecurity") == 2)
            await connection.close()
        }
    }

    @Test func theJobListPagesNewestFirstWithACursorAndFiltersByStatus() async throws {
        try await withFleet { fleet in
            let tenants = try await Tenants.start(fleet)
            let ingress = tenants.ingress
            var created: [String] = []
            for index in 0..<5 {
                let response = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":\#(index)}"#)
                created.append(try #require(response.json["job_id"] as? String))
            }
            _ = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.b.key, body: "{}")
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await ingress.send(.get, "/v1/jobs?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), key: tenants.a.key)
                #expect(page.status == 200, "\(page.bodyText)")
                seen += (page.json["jobs"] as? [[String: Any]] ?? []).compactMap { $0["job_id"] as? String }
                cursor = page.json["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == created.reversed(), "every job of the tenant once, newest first")
            #expect(pages == 3)
            #expect((try await ingress.send(.get, "/v1/jobs?status=pending", key: tenants.a.key).json["jobs"] as? [Any])?.count == 5)
            #expect((try await ingress.send(.get, "/v1/jobs?status=completed", key: tenants.a.key).json["jobs"] as? [Any])?.count == 0)
            let otherTenantsJob = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.b.key, body: "{}").json["job_id"] as? String ?? ""
            for (query, field) in [
                ("status=done", "status"), ("limit=0", "limit"), ("limit=101", "limit"), ("cursor=zzz", "cursor"),
                ("cursor=\(UUID().uuidString)", "cursor"), ("cursor=\(otherTenantsJob)", "cursor"),
            ] {
                let refused = try await ingress.send(.get, "/v1/jobs?\(query)", key: tenants.a.key)
                #expect(refused.status == 400 && refused.errorField == field, "\(query): \(refused.bodyText)")
            }
            await ingress.client.shutdown()
        }
    }

    @Test func anIdempotencyKeyStartsOneJob() async throws {
        try await withFleet { fleet in
            let tenants = try await Tenants.start(fleet)
            let ingress = tenants.ingress
            let first = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":"x"}"#, idempotencyKey: "k1")
            let again = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":"x"}"#, idempotencyKey: "k1")
            #expect(first.status == 201 && again.status == 201 && first.body == again.body)
            let other = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":"y"}"#, idempotencyKey: "k1")
            #expect(other.status == 422 && other.errorCode == "idempotency_key_reused")
            let otherTenant = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.b.key, body: #"{"input":"x"}"#, idempotencyKey: "k1")
            #expect(otherTenant.status == 201 && otherTenant.body != first.body, "keys are per tenant")
            #expect(try await fleet.count("SELECT count(*) FROM jobs") == 2)
            await ingress.client.shutdown()
        }
    }

    @Test func generationsCheckCreditsAndTheDailyLimitAndReachTheImagegenQueue() async throws {
        try await withFleet { fleet in
            let tenants = try await Tenants.start(fleet)
            let ingress = tenants.ingress
            let ana = try EventsTests.cli(fleet, ["users", "grant", "--tenant", tenants.a.id, "--user", "ana", "--credits", "15", "--daily-limit", "2"])
            #expect(try EventsTests.cli(fleet, ["users", "grant", "--tenant", tenants.a.id, "--user", "ana", "--credits", "5"]) == ana,
                    "a second grant adds to the same user")
            #expect(try await fleet.count("SELECT credits FROM users WHERE id = '\(ana)'") == 20)
            _ = try EventsTests.cli(fleet, ["users", "grant", "--tenant", tenants.a.id, "--user", "poor", "--credits", "3"])
            func generate(_ user: String, slides: Int, key: String? = nil) async throws -> HTTPResponse {
                try await ingress.send(.post, "/v1/generations", key: key ?? tenants.a.key,
                                       body: #"{"user_id":"\#(user)","prompt":"autumn in Lisbon","slide_count":\#(slides)}"#)
            }
            let first = try await generate("ana", slides: 5)
            #expect(first.status == 201 && first.json["credits_cost"] as? Int == 5, "\(first.bodyText)")
            let id = try #require(first.json["generation_id"] as? String)
            #expect(try await generate("ana", slides: 3).status == 201)
            let limited = try await generate("ana", slides: 1)
            #expect(limited.status == 429 && limited.errorCode == "daily_limit_reached", "\(limited.bodyText)")
            #expect(Int(limited.header("Retry-After") ?? "") ?? 0 > 0)
            let poor = try await generate("poor", slides: 5)
            #expect(poor.status == 402 && poor.errorCode == "insufficient_credits", "\(poor.bodyText)")
            #expect(try await generate("nobody", slides: 1).errorField == "user_id")
            #expect(try await generate("ana", slides: 1, key: tenants.b.key).status == 422, "users belong to a tenant")
            #expect(try await generate("ana", slides: 11).errorField == "slide_count")

            let shown = try await ingress.send(.get, "/v1/generations/\(id)", key: tenants.a.key)
            #expect(shown.status == 200 && shown.json["status"] as? String == "pending" && shown.json["user_id"] as? String == "ana")
            #expect(try await ingress.send(.get, "/v1/generations/\(id)", key: tenants.b.key).status == 404)
            #expect(try await fleet.count("SELECT count(*) FROM generation_jobs") == 2, "refusals wrote nothing")
            try await eventually("both generation.requested messages to reach the imagegen queue", timeout: .seconds(20)) {
                try await fleet.depths(["sy.work.imagegen"])["sy.work.imagegen"] == 2
            }
            await ingress.client.shutdown()
        }
    }

    /// Requests at once for one user: each used to sum the user's generations as they were
    /// before it waited for the user's lock, so all of them saw the same credits free.
    @Test func concurrentGenerationsReserveNoMoreThanTheCreditsAndTheDailyLimit() async throws {
        try await withFleet { fleet in
            let tenants = try await Tenants.start(fleet)
            let ingress = tenants.ingress
            _ = try EventsTests.cli(fleet, ["users", "grant", "--tenant", tenants.a.id, "--user", "poor", "--credits", "3", "--daily-limit", "20"])
            _ = try EventsTests.cli(fleet, ["users", "grant", "--tenant", tenants.a.id, "--user", "busy", "--credits", "100", "--daily-limit", "2"])
            func burst(_ user: String, slides: Int) async throws -> [Int] {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            try await ingress.send(.post, "/v1/generations", key: tenants.a.key,
                                                   body: #"{"user_id":"\#(user)","prompt":"a race","slide_count":\#(slides)}"#).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }.sorted()
                }
            }
            #expect(try await burst("poor", slides: 3) == [201] + Array(repeating: 402, count: 7), "three credits cover one generation of three slides")
            #expect(try await burst("busy", slides: 1) == [201, 201] + Array(repeating: 429, count: 6), "two generations a day")
            #expect(try await fleet.count("SELECT count(*) FROM generation_jobs") == 3)
            await ingress.client.shutdown()
        }
    }

    @Test func aStoppedDatabaseGives503WithRetryAfterAndTheAPIRecoversOnItsOwn() async throws {
        try await withFleet { fleet in
            let tenants = try await Tenants.start(fleet)
            let ingress = tenants.ingress
            #expect(try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}").status == 201)
            let restart = Task.detached { try ServicesControl.run("postgres-restart", "4") }
            try await eventually("the database to go down", timeout: .seconds(15)) { (try? await fleet.count("SELECT 1")) == nil }
            let refused = try await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: #"{"input":"lost?"}"#)
            #expect(refused.status == 503 && refused.errorCode == "unavailable", "\(refused.bodyText)")
            #expect(Int(refused.header("Retry-After") ?? "") ?? 0 > 0)
            #expect(try await ingress.send(.get, "/v1/jobs", key: tenants.a.key).status == 503)
            #expect(try await ingress.send(.get, "/v1/jobs", key: tenants.b.key).status == 503)
            // The three failed look-ups came within the warning's interval: one line, not three.
            let lookupFailure = "API keys not looked up: database failure"
            try await eventually("the failed look-ups to be logged", timeout: .seconds(5)) {
                !fleet.logLines(containing: lookupFailure).isEmpty
            }
            #expect(fleet.logLines(containing: lookupFailure).count == 1, "\(fleet.logs())")
            try await restart.value
            try await eventually("the API to work again", timeout: .seconds(20)) {
                (try? await ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}").status) == 201
            }
            #expect(try await fleet.count("SELECT count(*) FROM jobs WHERE input = '\"lost?\"'") == 0, "the refused request wrote nothing")
            await ingress.client.shutdown()
        }
    }

    @Test func aProjectIsShownWithItsBuildEventsInSequenceOrder() async throws {
        try await withFleet { fleet in
            let tenants = try await Tenants.start(fleet)
            let ingress = tenants.ingress
            let project = try await fleet.text(
                "INSERT INTO projects (tenant_id, name, status) VALUES ('\(tenants.a.id)', 'Shop', 'building') RETURNING id::text")
            try await fleet.execute(
                """
                INSERT INTO build_events (tenant_id, project_id, sequence, kind, progress, message) VALUES
                ('\(tenants.a.id)', '\(project)', 2, 'progress', 60, 'tests'),
                ('\(tenants.a.id)', '\(project)', 1, 'progress', 10, 'scaffold')
                """)
            let shown = try await ingress.send(.get, "/v1/projects/\(project)", key: tenants.a.key)
            #expect(shown.status == 200 && shown.json["name"] as? String == "Shop", "\(shown.bodyText)")
            let events = shown.json["build_events"] as? [[String: Any]] ?? []
            #expect(events.compactMap { $0["message"] as? String } == ["scaffold", "tests"])
            #expect(try await ingress.send(.get, "/v1/projects/\(project)", key: tenants.b.key).status == 404)
            await ingress.client.shutdown()
        }
    }
}

extension IngressHarness {
    /// Sends an API request with a tenant's key (and a JSON body when there is one).
    func send(
        _ method: HTTPMethod, _ path: String, key: String?, body: String? = nil, idempotencyKey: String? = nil
    ) async throws -> HTTPResponse {
        var headers: [HTTPHeader] = []
        if let key { headers.append(HTTPHeader("Authorization", "Bearer \(key)")) }
        if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        if let idempotencyKey { headers.append(HTTPHeader("Idempotency-Key", idempotencyKey)) }
        return try await client.execute(HTTPRequest(
            method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: body.map { Array($0.utf8) }))
    }
}

extension HTTPResponse {
    /// `error.field` of an error answer.
    var errorField: String? {
        (json["error"] as? [String: Any])?["field"] as? String
    }
}
