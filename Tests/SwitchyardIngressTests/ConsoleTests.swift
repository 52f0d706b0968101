import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// The operator console over HTTP against a real ingress, broker and database: who gets in,
/// what a form needs, what hostile input gets, and keyset paging. The browser test
/// (`ConsoleBrowserTests`) drives the same pages in Chromium.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ConsoleTests {
    /// `count` archived dead letters of sy.work.probe, as the archiver would write them.
    static func archive(_ fleet: Fleet, count: Int, errorClass: String = "permanent") async throws {
        try await fleet.execute("""
            INSERT INTO dead_letters (archive_key, message_id, origin_queue, origin_routing_key, reason, error_class, error, attempts, body)
            SELECT 'fixture-' || gen_random_uuid(), 'm-' || n, 'sy.work.probe', 'probe.run', 'worker', '\(errorClass)',
                   'probe asked to fail', 1, convert_to('{"v":1,"id":"fixture-' || n || '","permanent":true}', 'UTF8')
            FROM generate_series(1, \(count)) AS n
            """)
    }

    /// An ingress over `fleet` with `letters` archived dead letters, and operator `name` signed in
    /// (its token too).
    static func signedIn(_ fleet: Fleet, as name: String, letters: Int = 0) async throws -> (IngressHarness, ConsoleHarness, token: String) {
        if letters > 0 { try await archive(fleet, count: letters) }
        let token = try ConsoleHarness.createOperator(fleet, name)
        let ingress = try await IngressHarness.start(fleet)
        var console = ConsoleHarness(port: ingress.port)
        try await console.signIn(token)
        return (ingress, console, token)
    }

    @Test func operatorsCreatePrintsATokenOnceAndStoresOnlyItsHash() async throws {
        try await withFleet { fleet in
            let token = try ConsoleHarness.createOperator(fleet, "alice")
            #expect(token.wholeMatch(of: /syop_[A-Za-z0-9_-]{43}/) != nil, "\(token)")
            #expect(try await fleet.count("SELECT count(*) FROM operators WHERE name = 'alice' AND token_hash = sha256(convert_to('\(token)', 'UTF8'))") == 1)
            #expect(try await fleet.count("SELECT count(*) FROM operators WHERE position('\(token)' IN name || prefix || token_hash::text) > 0") == 0)
            let again = try SwitchyardProcess.run(["operators", "create", "alice"], environment: fleet.environment)
            #expect(again.status == 2 && again.standardError.contains("already exists"), "\(again.standardError)")
            let bad = try SwitchyardProcess.run(["operators", "create", "no spaces"], environment: fleet.environment)
            #expect(bad.status == 2 && bad.standardError.split(separator: "\n").count == 1, "\(bad.standardError)")
            let listed = try EventsTests.cli(fleet, ["operators", "list", "--json"])
            #expect(listed.contains("\"name\" : \"alice\"") && !listed.contains(token), "\(listed)")
        }
    }

    @Test func signedOutRequestsAndTenantKeysGetTheSignInPage() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let operatorToken = try ConsoleHarness.createOperator(fleet, "bob")
            let console = ConsoleHarness(port: tenants.ingress.port)
            for path in ["/console", "/console/dead-letters", "/console/dead-letters/1", "/console/objects?id=\(UUID())"] {
                let anonymous = try await console.get(path)
                #expect(anonymous.status == 401 && anonymous.isSignInPage, "\(path): \(anonymous.status)")
                let tenant = try await console.get(path, headers: [HTTPHeader("Authorization", "Bearer \(tenants.a.key)")])
                #expect(tenant.status == 401 && tenant.isSignInPage, "a tenant's API key never opens \(path)")
                let bearer = try await console.get(path, headers: [HTTPHeader("Authorization", "Bearer \(operatorToken)")])
                #expect(bearer.status == 401 && bearer.isSignInPage, "the console signs in by form and cookie only")
            }
            let forged = try await console.get("/console", headers: [HTTPHeader("Cookie", "sy_console=\(String(repeating: "A", count: 43))")])
            #expect(forged.status == 401 && forged.isSignInPage)
            let post = try await console.post("/console/dead-letters/purge", ["queue": "sy.work.probe", "confirm": "yes"])
            #expect(post.status == 401 && post.isSignInPage)
            let withTenantKey = try await console.post("/console/sign-in", ["token": tenants.a.key])
            #expect(withTenantKey.status == 401 && withTenantKey.bodyText.contains("field token"), "\(withTenantKey.bodyText)")
        }
    }

    @Test func signInSetsAStrictHttpOnlyCookieAndAttemptsAreRateLimited() async throws {
        try await withFleet { fleet in
            let token = try ConsoleHarness.createOperator(fleet, "carol")
            let ingress = try await IngressHarness.start(
                fleet, environment: ["SWITCHYARD_CONSOLE_SIGN_IN_BURST": "3", "SWITCHYARD_CONSOLE_SIGN_IN_PER_MINUTE": "1"])
            var console = ConsoleHarness(port: ingress.port)
            let signedIn = try await console.signIn(token)
            let cookie = try #require(signedIn.header("Set-Cookie"))
            #expect(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict") && cookie.contains("; Path=/console"), "\(cookie)")
            #expect(!cookie.contains("Secure"), "plain HTTP: no Secure flag")
            #expect(signedIn.header("Location") == "/console")
            let overview = try await console.get("/console")
            #expect(overview.status == 200 && overview.bodyText.contains("Signed in as carol"))

            var behindTLS = ConsoleHarness(port: ingress.port)
            let secure = try await behindTLS.signIn(token, headers: [HTTPHeader("X-Forwarded-Proto", "https")])
            #expect(secure.header("Set-Cookie")?.hasSuffix("; Secure") == true)

            let wrong = try await console.post("/console/sign-in", ["token": "syop_" + String(repeating: "x", count: 43)])
            #expect(wrong.status == 401 && wrong.isSignInPage && wrong.bodyText.contains("unknown nor revoked"))
            let limited = try await console.post("/console/sign-in", ["token": token])
            #expect(limited.status == 429 && limited.header("Retry-After") != nil, "the fourth attempt beyond a burst of 3 is refused: \(limited.status)")
            #expect(try await fleet.count("SELECT count(*) FROM operator_actions WHERE operator_name = 'carol' AND action = 'sign_in'") == 2)

            let csrf = try await console.csrfToken()
            let signedOut = try await console.post("/console/sign-out", ["csrf": csrf])
            #expect(signedOut.status == 303 && signedOut.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try await console.get("/console").status == 401, "the session ended on the server too")

            #expect(try EventsTests.cli(fleet, ["operators", "revoke", "carol"]) == "revoked carol")
            #expect(try await behindTLS.get("/console").status == 401, "revoking an operator ends its sessions")
        }
    }

    @Test func aFormWithoutItsCSRFTokenOrConfirmationChangesNothing() async throws {
        try await withFleet { fleet in
            let (ingress, console, token) = try await Self.signedIn(fleet, as: "dave", letters: 3)
            let ids = try await fleet.text("SELECT string_agg(id::text, ',' ORDER BY id) FROM dead_letters").split(separator: ",").map(String.init)

            let missing = try await console.post("/console/dead-letters/purge", [("id", ids[0]), ("confirm", "yes")])
            #expect(missing.status == 403 && missing.bodyText.contains("field csrf"), "\(missing.bodyText)")
            let wrong = try await console.post("/console/dead-letters/purge", [("id", ids[0]), ("confirm", "yes"), ("csrf", "x")])
            #expect(wrong.status == 403)
            var other = ConsoleHarness(port: ingress.port)
            try await other.signIn(token)
            let anotherSessions = try await console.post(
                "/console/dead-letters/purge", [("id", ids[0]), ("confirm", "yes"), ("csrf", try await other.csrfToken())])
            #expect(anotherSessions.status == 403, "a CSRF token belongs to its session")

            let csrf = try await console.csrfToken()
            let unconfirmed = try await console.post("/console/dead-letters/purge", [("id", ids[0]), ("csrf", csrf)])
            #expect(unconfirmed.status == 200 && unconfirmed.bodyText.contains("1 letter will be discarded"), "\(unconfirmed.bodyText)")
            #expect(unconfirmed.bodyText.contains(">Confirm</button>"))
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE discarded_at IS NOT NULL") == 0, "nothing changed yet")
            #expect(try await fleet.count("SELECT count(*) FROM operator_actions WHERE action = 'purge'") == 0)

            let confirmed = try await console.post("/console/dead-letters/purge", [("id", ids[0]), ("id", ids[1]), ("confirm", "yes"), ("csrf", csrf)])
            #expect(confirmed.status == 200 && confirmed.bodyText.contains("Discarded 2 letters"), "\(confirmed.bodyText)")
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE discarded_at IS NOT NULL") == 2)
            #expect(try await fleet.count(
                "SELECT count(*) FROM operator_actions WHERE action = 'purge' AND operator_name = 'dave' AND affected = 2 AND detail->'discarded' = '[\(ids[0]), \(ids[1])]'") == 1)
        }
    }

    @Test func hostileInputGetsAPageNamingTheFieldAndChangesNothing() async throws {
        try await withFleet { fleet in
            let (ingress, console, _) = try await Self.signedIn(fleet, as: "erin", letters: 2)
            let csrf = try await console.csrfToken()
            let cases: [(fields: [(String, String)], field: String)] = [
                ([("id", "1 OR 1=1"), ("action", "replay")], "field id"),
                ([("queue", "sy.work.nope'--"), ("action", "replay")], "field queue"),
                ([("queue", "sy.work.probe"), ("since", "yesterday"), ("action", "purge")], "field since"),
                ([("id", "1"), ("action", "delete")], "field action"),
                ([("queue", "sy.work.probe"), ("error_class", "perm\u{0}anent"), ("action", "purge")], "field error_class"),
                ([("action", "purge")], "field id"),
            ]
            for (fields, field) in cases {
                let response = try await console.post("/console/dead-letters/preview", fields + [("csrf", csrf)])
                #expect(response.status == 400 && response.bodyText.contains(field), "\(fields): \(response.status) \(response.bodyText.prefix(300))")
            }
            let listing = try await console.get("/console/dead-letters?after=abc")
            #expect(listing.status == 400 && listing.bodyText.contains("field after"))
            let object = try await console.get("/console/objects?id=%3Cscript%3E")
            #expect(object.status == 400 && object.bodyText.contains("field id") && !object.bodyText.contains("<script>"))
            let unknown = try await console.get("/console/objects?id=\(UUID())")
            #expect(unknown.status == 404)
            let huge = try await console.post("/console/dead-letters/preview", [("csrf", csrf), ("pad", String(repeating: "x", count: 300_000))])
            #expect(huge.status == 413)
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters WHERE discarded_at IS NOT NULL OR replayed_at IS NOT NULL") == 0)
            #expect(try await ingress.get("/healthz").status == 200, "the ingress still answers")
        }
    }

    @Test func thousandsOfDeadLettersArePagedByKeyset() async throws {
        try await withFleet { fleet in
            let (_, console, _) = try await Self.signedIn(fleet, as: "frank", letters: 2_120)
            var path = "/console/dead-letters?queue=sy.work.probe"
            var seen: [Int] = []
            var pages = 0
            while true {
                let page = try await console.get(path)
                try #require(page.status == 200)
                seen += page.bodyText.matches(of: /name="id" value="(\d+)" id="select-/).compactMap { Int($0.1) }
                pages += 1
                guard let next = page.bodyText.firstMatch(of: /href="([^"]+)" rel="next"/) else { break }
                path = String(next.1).replacing("&amp;", with: "&")
                #expect(path.contains("after="), "\(path)")
            }
            #expect(pages == 43 && seen.count == 2_120 && Set(seen).count == 2_120 && seen == seen.sorted(), "\(pages) pages, \(seen.count) letters")
            let preview = try await console.post(
                "/console/dead-letters/preview", [("queue", "sy.work.probe"), ("action", "replay"), ("csrf", try await console.csrfToken())])
            #expect(preview.bodyText.contains("2120 letters will be replayed to sy.events probe.run"), "\(preview.bodyText.prefix(600))")
            #expect(preview.bodyText.contains("replays the first 1000"))
        }
    }

    @Test func anOperatorCancelsAnotherTenantsJobAfterConfirmingAndItIsRecorded() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.b.key, body: #"{"input":{}}"#)
            let jobID = try #require(created.json["job_id"] as? String, "\(created.bodyText)")
            var console = ConsoleHarness(port: tenants.ingress.port)
            try await console.signIn(try ConsoleHarness.createOperator(fleet, "ivan"))

            let page = try await console.get("/console/objects?id=\(jobID.uppercased())")
            #expect(page.status == 200 && page.bodyText.contains("tenant-b (") && page.bodyText.contains(">Cancel job</button>"), "\(page.bodyText.prefix(600))")
            let csrf = try await console.csrfToken()
            let asked = try await console.post("/console/objects/cancel", ["route": "jobs", "id": jobID, "csrf": csrf])
            #expect(asked.status == 200 && asked.bodyText.contains("of tenant tenant-b (now pending) will be cancelled"), "\(asked.bodyText)")
            #expect(try await fleet.text("SELECT status FROM jobs WHERE id = '\(jobID)'") == "pending", "not before the confirmation")

            let confirmed = try await console.post("/console/objects/cancel", ["route": "jobs", "id": jobID, "csrf": csrf, "confirm": "yes"])
            #expect(confirmed.status == 303 && confirmed.header("Location") == "/console/objects?id=\(jobID)")
            #expect(try await tenants.ingress.send(.get, "/v1/jobs/\(jobID)", key: tenants.b.key).json["status"] as? String == "cancelled")
            #expect(try await fleet.count(
                "SELECT count(*) FROM operator_actions WHERE action = 'cancel' AND operator_name = 'ivan' AND affected = 1 AND detail->>'id' = '\(jobID)'") == 1)
            let again = try await console.post("/console/objects/cancel", ["route": "jobs", "id": jobID, "csrf": csrf, "confirm": "yes"])
            #expect(again.status == 409 && again.bodyText.contains("already cancelled"))
            let unknown = try await console.post("/console/objects/cancel", ["route": "executions", "id": jobID, "csrf": csrf, "confirm": "yes"])
            #expect(unknown.status == 400 && unknown.bodyText.contains("field route"))
            #expect(!(try await console.get("/console/objects?id=\(jobID)").bodyText.contains(">Cancel job</button>")), "a finished job offers no cancel")
        }
    }

    @Test func aLargeObjectsPageShowsTheHeadOfItsRowAndHistoryAndSaysHowLargeTheyAre() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}")
            let jobID = try #require(created.json["job_id"] as? String, "\(created.bodyText)")
            try await fleet.execute("UPDATE jobs SET input = jsonb_build_object('text', repeat('x', 4 << 20)) WHERE id = '\(jobID)'")
            try await fleet.execute(
                "SELECT switchyard_record_update('job', '\(jobID)', '\(tenants.a.id)', 'progress', jsonb_build_object('blob', repeat('y', 1 << 20)))")
            var console = ConsoleHarness(port: tenants.ingress.port)
            try await console.signIn(try ConsoleHarness.createOperator(fleet, "olga"))
            let page = try await console.get("/console/objects?id=\(jobID)")
            #expect(page.status == 200)
            #expect(page.body.count < 400 << 10, "a page of \(page.body.count) bytes")
            #expect(page.bodyText.contains("clipped: the row is"), "the row's head, and its size")
            #expect(page.bodyText.contains("clipped: \((1 << 20) + 12) bytes in all"), "the large update's head, and its size (as jsonb text: 12 bytes around the string)")
            #expect(page.bodyText.contains("&quot;status&quot;: &quot;pending&quot;") || page.bodyText.contains(#""status": "pending""#),
                    "the small update whole")
        }
    }

    @Test func aGenerationShowsItsSlidesWithTheirPictures() async throws {
        try await withFleet { fleet in
            let setup = try await ImageGenerationTests.Setup.start(fleet)
            try setup.worker(fleet)
            let id = try await setup.generate("calm teams", slides: 3)
            try await eventually("the generation to complete", timeout: .seconds(60)) {
                try await setup.generation(id)["status"] as? String == "completed"
            }
            var console = ConsoleHarness(port: setup.ingress.port)
            let anonymous = try await console.get("/console/parts/generations/\(id)/1")
            #expect(anonymous.status == 401 && anonymous.isSignInPage, "pictures are for operators too")
            try await console.signIn(try ConsoleHarness.createOperator(fleet, "jane"))
            let page = try await console.get("/console/objects?id=\(id)")
            #expect(page.status == 200 && page.bodyText.contains("<dd>acme ("), "\(page.bodyText.prefix(600))")
            for index in 1...3 {
                #expect(page.bodyText.contains(#"<img src="/console/parts/generations/\#(id)/\#(index)" alt="Slides \#(index)""#), "slide \(index)")
            }
            let picture = try await console.get("/console/parts/generations/\(id)/2")
            #expect(picture.status == 200 && picture.header("Content-Type") == "image/png")
            #expect(picture.body.starts(with: [0x89, 0x50, 0x4E, 0x47]) && picture.body.count > 1_000, "\(picture.body.count) bytes")
            #expect(try await console.get("/console/parts/generations/\(id)/9").status == 404)
            #expect(try await console.get("/console/parts/generations/\(UUID())/1").status == 404)
            #expect(try await console.get("/console/parts/jobs/\(id)/1").status == 404, "jobs have no pictures")
        }
    }

    @Test func aDeadBrokerShowsAsSuchOnTheOverview() async throws {
        try await withFleet { fleet in
            let token = try ConsoleHarness.createOperator(fleet, "gina")
            let closed = try freeLoopbackPort()
            let noManagement = try await IngressHarness.start(
                fleet, environment: ["SWITCHYARD_RABBITMQ_MANAGEMENT_URL": "http://guest:guest@127.0.0.1:\(closed)"])
            var console = ConsoleHarness(port: noManagement.port)
            try await console.signIn(token)
            let partial = try await console.get("/console")
            #expect(partial.status == 200 && partial.bodyText.contains("The management API did not answer"), "\(partial.bodyText.prefix(600))")
            #expect(partial.bodyText.contains(#"<tr><td>sy.work.probe <a href="/console/dead-letters?queue=sy.work.probe">dead letters</a></td><td>-</td><td class="n">0</td>"#),
                    "depths still come from the broker itself")
            #expect(!partial.bodyText.contains("guest:guest"), "the management URL's password is not shown")

            let noBroker = try await IngressHarness.start(fleet, environment: [
                "SWITCHYARD_RABBITMQ_MANAGEMENT_URL": "http://guest:guest@127.0.0.1:\(closed)",
                "SWITCHYARD_AMQP_URL": "amqp://guest:guest@127.0.0.1:\(closed)/%2F",
            ])
            console = ConsoleHarness(port: noBroker.port)
            try await console.signIn(token)
            let dead = try await console.get("/console")
            #expect(dead.status == 200 && dead.bodyText.contains("Broker unreachable.") && dead.bodyText.contains("sy.work.probe"), "\(dead.bodyText.prefix(600))")
            #expect(!dead.bodyText.contains("guest:guest"))
            #expect(try await console.get("/console/dead-letters").status == 200, "the ledger is in the database: it still reads")
        }
    }

    @Test func withoutTheDatabaseTheConsoleSaysSoAndNeverAnswers500() async throws {
        try await withFleet { fleet in
            let closed = try freeLoopbackPort()
            let ingress = try await IngressHarness.start(
                fleet, environment: ["SWITCHYARD_DATABASE_URL": "postgresql://switchyard@127.0.0.1:\(closed)/switchyard"])
            let console = ConsoleHarness(port: ingress.port)
            let signIn = try await console.post("/console/sign-in", ["token": "syop_" + String(repeating: "a", count: 43)])
            #expect(signIn.status == 503 && signIn.bodyText.contains("The database does not answer"), "\(signIn.status)")
            let page = try await console.get("/console", headers: [HTTPHeader("Cookie", "sy_console=\(String(repeating: "b", count: 43))")])
            #expect(page.status == 503 && page.bodyText.contains("The database does not answer"), "\(page.status)")
            #expect(try await console.get("/console").isSignInPage, "without a cookie there is nothing to look up")
        }
    }

    @Test func theConsoleRunsOnItsOwnAndCanBeTurnedOffOnTheIngress() async throws {
        try await withFleet { fleet in
            let token = try ConsoleHarness.createOperator(fleet, "hank")
            let port = try freeLoopbackPort()
            try fleet.start(["console", "--port", "\(port)"], environment: ["SWITCHYARD_HTTP_IDLE_TIMEOUT": "2"])
            var console = ConsoleHarness(port: port)
            try await eventually("the console to listen", timeout: .seconds(20)) { (try? await console.get("/healthz").status) == 200 }
            #expect(try await console.get("/console").isSignInPage)
            try await console.signIn(token)
            #expect(try await console.get("/console").bodyText.contains("sy.work.probe"))
            // A path it doesn't serve is the ingress's JSON error (before, an empty 404).
            let unknown = try await console.get("/nope")
            #expect(unknown.status == 404 && unknown.bodyText.contains(#""code":"not_found""#), "\(unknown.status) \(unknown.bodyText)")
            // Its connections have the ingress's guards: one that never sends a request is closed
            // (the console's own server had no idle timeout at all).
            let silent = try LoopbackClient(port: port)
            #expect(await silent.waitForClose(timeout: .seconds(10)), "an idle connection is closed")
            silent.close()

            let off = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_CONSOLE": "0"])
            #expect(try await off.get("/console").status == 404)
            let wrong = try SwitchyardProcess.run(["ingress", "--port", "\(try freeLoopbackPort())"], environment: fleet.environment.merging(["SWITCHYARD_CONSOLE": "yes"]) { $1 })
            #expect(wrong.status == 2 && wrong.standardError.contains("SWITCHYARD_CONSOLE") && wrong.standardError.contains("expected 0 or 1"), "\(wrong.standardError)")
        }
    }
}
