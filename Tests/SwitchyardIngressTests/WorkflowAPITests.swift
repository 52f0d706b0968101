// The workflow and transformer APIs: validation with pointers, built-ins, tenants, secrets.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct WorkflowAPITests {
    @Test func aDefinitionIsValidatedAtPutWithEveryProblemNamedByItsPointer() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            let key = harness.tenants.a.key
            let refused = try await harness.ingress.send(.put, "/v1/workflows/shop", key: key, body: """
                {"name": "Shop", "definition": {"start_step": "fetch", "steps": {
                  "fetch": {"transformer_id": "teleport", "next_step": "score"},
                  "score": {"transformer_id": "map", "input_map": {"items": "$.fetch.output.items[?@.price <]"}, "next_step": "gone"},
                  "lost": {"transformer_id": "echo", "retry": {"max_retries": 99}}}}}
                """)
            #expect(refused.status == 400 && refused.errorCode == "invalid_definition", "\(refused.bodyText)")
            let problems = ((refused.json["error"] as? [String: Any])?["problems"] as? [[String: String]] ?? []).compactMap { $0["field"] }
            #expect(Set(problems) == [
                "/definition/steps/fetch/transformer_id", "/definition/steps/score/input_map/items", "/definition/steps/score/next_step",
                "/definition/steps/lost/retry/max_retries",
            ], "\(refused.bodyText)")
            #expect(refused.bodyText.contains("at 31"), "the JSONPath's position: \(refused.bodyText)")
            let cycle = try await harness.ingress.send(.put, "/v1/workflows/loop", key: key, body: """
                {"name": "Loop", "definition": {"start_step": "a", "steps": {"a": {"transformer_id": "echo", "next_step": "b"},
                  "b": {"transformer_id": "echo", "next_step": "a"}, "c": {"transformer_id": "echo"}}}}
                """)
            #expect(cycle.status == 400 && cycle.errorField == "/definition/steps/b/next_step", "\(cycle.bodyText)")
            #expect(try await fleet.count("SELECT count(*) FROM workflows WHERE tenant_id IS NOT NULL") == 0, "nothing was stored")

            for (body, field) in [
                (#"{"definition":{}}"#, "/name"), (#"{"name":"x","definition":{},"owner":"me"}"#, "/owner"), (#"{"name":"x"}"#, "/definition"),
                (#"[1]"#, nil),
            ] {
                let answer = try await harness.ingress.send(.put, "/v1/workflows/x", key: key, body: body)
                #expect(answer.status == 400 && answer.errorField == field, "\(body): \(answer.bodyText)")
            }
            let badID = try await harness.ingress.send(.put, "/v1/workflows/-dash", key: key, body: #"{"name":"x","definition":{}}"#)
            #expect(badID.status == 400 && badID.errorField == "workflow_id")
            let builtIn = try await harness.ingress.send(
                .put, "/v1/workflows/echo", key: key, body: #"{"name":"x","definition":{"start_step":"s","steps":{"s":{"transformer_id":"echo"}}}}"#)
            #expect(builtIn.status == 409 && builtIn.errorCode == "builtin_workflow")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func workflowsAndTransformersBelongToTheirTenant() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            let (a, b) = (harness.tenants.a.key, harness.tenants.b.key)
            try await harness.configure("crm", #"{"type":"http","config":{"url":"https://crm.example.com/api"}}"#)
            let definition = #"{"start_step":"s","steps":{"s":{"transformer_id":"crm"}}}"#
            let created = try await harness.ingress.send(.put, "/v1/workflows/sync", key: a, body: #"{"name":"Sync","definition":\#(definition)}"#)
            #expect(created.status == 201 && created.json["version"] as? Int == 1)
            let updated = try await harness.ingress.send(
                .put, "/v1/workflows/sync", key: a, body: #"{"name":"Sync","description":"now described","definition":\#(definition)}"#)
            #expect(updated.status == 200 && updated.json["version"] as? Int == 2)

            #expect(try await harness.ingress.send(.get, "/v1/workflows/sync", key: b).status == 404)
            #expect(try await harness.ingress.send(.post, "/v1/workflows/sync/jobs", key: b, body: "{}").status == 404)
            #expect(try await harness.ingress.send(.get, "/v1/transformers/crm", key: b).status == 404)
            let borrowed = try await harness.ingress.send(.put, "/v1/workflows/sync", key: b, body: #"{"name":"Mine","definition":\#(definition)}"#)
            #expect(borrowed.status == 400 && borrowed.errorField == "/definition/steps/s/transformer_id", "B can't use A's transformer")
            let own = try await harness.ingress.send(
                .put, "/v1/workflows/sync", key: b, body: #"{"name":"Mine","definition":{"start_step":"s","steps":{"s":{"transformer_id":"echo"}}}}"#)
            #expect(own.status == 201, "workflow ids are per tenant: \(own.bodyText)")

            let listA = try await harness.ingress.send(.get, "/v1/workflows", key: a)
            let idsA = (listA.json["workflows"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "")/\($0["builtin"] ?? "")/\($0["version"] ?? "")" }
            #expect(idsA == ["echo/1/1", "sync/0/2"], "\(listA.bodyText)")
            let pageOne = try await harness.ingress.send(.get, "/v1/workflows?limit=1", key: a)
            #expect(pageOne.json["next_cursor"] as? String == "echo")
            let pageTwo = try await harness.ingress.send(.get, "/v1/workflows?limit=1&cursor=echo", key: a)
            #expect((pageTwo.json["workflows"] as? [[String: Any]])?.first?["id"] as? String == "sync" && pageTwo.json["next_cursor"] is NSNull)
            let shownB = try await harness.ingress.send(.get, "/v1/workflows/sync", key: b)
            #expect(shownB.json["name"] as? String == "Mine")
            let transformers = try await harness.ingress.send(.get, "/v1/transformers", key: b)
            #expect((transformers.json["transformers"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                == ["echo", "map", "http", "llm", "transcribe", "delay"], "B sees the built-ins only")
            await harness.ingress.client.shutdown()
        }
    }

    @Test func transformerSecretsAreSealedShownAsStarsKeptOnStarsAndRefusedWithoutAKey() async throws {
        try await withFleet { fleet in
            let harness = try await WorkflowHarness.start(fleet)
            let key = harness.tenants.a.key
            let body = #"{"type":"http","config":{"url":"https://x.example.com","headers":{"X-Key":"{{secrets.api_key}}"},"secrets":{"api_key":"k-123456"}}}"#
            #expect(try await harness.ingress.send(.put, "/v1/transformers/vendor", key: key, body: body).status == 201)
            let sealedBefore = try await fleet.text("SELECT encode(sealed_secrets, 'hex') FROM transformers WHERE id = 'vendor'")
            let kept = try await harness.ingress.send(.put, "/v1/transformers/vendor", key: key, body: body.replacingOccurrences(of: "k-123456", with: "***"))
            #expect(kept.status == 200 && kept.json["version"] as? Int == 2, "\(kept.bodyText)")
            #expect(try await fleet.text("SELECT encode(sealed_secrets, 'hex') FROM transformers WHERE id = 'vendor'") != sealedBefore, "resealed")
            let shown = try await harness.ingress.send(.get, "/v1/transformers/vendor", key: key)
            #expect(((shown.json["config"] as? [String: Any])?["secrets"] as? [String: String]) == ["api_key": "***"])
            #expect(!shown.bodyText.contains("k-123456"))
            let unknownStars = try await harness.ingress.send(
                .put, "/v1/transformers/vendor", key: key, body: body.replacingOccurrences(of: #""api_key":"k-123456""#, with: #""other":"***""#))
            #expect(unknownStars.status == 400, "\(unknownStars.bodyText)")

            let invalid = try await harness.ingress.send(.put, "/v1/transformers/bad", key: key, body: """
                {"type": "llm", "config": {"prompt": "Hi {{input.name", "temperature": 9, "colour": "red"}}
                """)
            #expect(invalid.status == 400 && invalid.errorCode == "invalid_transformer")
            let fields = ((invalid.json["error"] as? [String: Any])?["problems"] as? [[String: String]] ?? []).compactMap { $0["field"] }
            #expect(Set(fields) == ["/config/prompt", "/config/temperature", "/config/colour"], "\(invalid.bodyText)")
            #expect(try await harness.ingress.send(.put, "/v1/transformers/http", key: key, body: #"{"type":"http"}"#).status == 409)
            let noSecretsForDelay = try await harness.ingress.send(
                .put, "/v1/transformers/nap", key: key, body: #"{"type":"delay","config":{"secrets":{"a":"b"}}}"#)
            #expect(noSecretsForDelay.status == 400 && noSecretsForDelay.errorField == "/config/secrets")

            let keyless = try await IngressHarness.start(fleet)
            let refused = try await keyless.send(.put, "/v1/transformers/vendor2", key: key, body: body)
            #expect(refused.status == 503 && refused.errorCode == "secrets_unavailable", "\(refused.bodyText)")
            #expect(refused.bodyText.contains("SWITCHYARD_SECRETS_KEY"))
            #expect(try await keyless.send(.put, "/v1/transformers/plain", key: key, body: #"{"type":"http","config":{"method":"GET"}}"#).status == 201,
                    "a transformer without secrets needs no key")
            await keyless.client.shutdown()
            await harness.ingress.client.shutdown()
        }
    }
}
