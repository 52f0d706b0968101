import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// The server behaves as /openapi.json says: schemathesis (PyPI, installed by scripts/test)
/// generates requests from the document and checks every answer against it.
@Suite(.serialized, .timeLimit(.minutes(4))) struct OpenAPITests {
    @Test func theDocumentIsValidJSONAndListsEveryRoute() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            let document = try await ingress.get("/openapi.json")
            #expect(document.status == 200)
            let paths = try #require((try JSONSerialization.jsonObject(with: Data(document.body)) as? [String: Any])?["paths"] as? [String: Any])
            #expect(Set(paths.keys) == [
                "/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/event-types", "/v1/events", "/v1/events:batch",
                "/v1/webhooks/{source}", "/v1/workflows/{workflow_id}/jobs", "/v1/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/events",
                "/v1/generations", "/v1/generations/{id}", "/v1/generations/{id}/events", "/v1/generations/{id}/cancel",
                "/v1/generations/{id}/slides/{index}", "/v1/projects", "/v1/projects/{id}", "/v1/projects/{id}/events",
                "/v1/workflows", "/v1/workflows/{workflow_id}", "/v1/transformers", "/v1/transformers/{transformer_id}", "/v1/jobs/{id}/cancel",
                "/v1/chatbots", "/v1/chatbots/{chatbot_id}", "/v1/chatbots/{chatbot_id}/automations", "/v1/automations/{id}",
                "/v1/automations/{id}/copy", "/v1/automations/{id}/changes", "/v1/chatbots/{chatbot_id}/executions", "/v1/executions/{id}",
                "/v1/executions/{id}/events",
            ])
            await ingress.client.shutdown()
        }
    }

    @Test func schemathesisFindsNoServerErrorAndNoAnswerThatContradictsTheSchema() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "acme"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            // schemathesis also sends requests without a key or with a wrong one; past the failure
            // limit every request from its address would be 429 too_many_failures, untested behind.
            let ingress = try await IngressHarness.start(fleet, environment: [
                "SWITCHYARD_API_RATE": "100000", "SWITCHYARD_API_BURST": "100000",
                "SWITCHYARD_AUTH_FAILURE_RATE": "100000", "SWITCHYARD_AUTH_FAILURE_BURST": "100000",
            ])
            // schemathesis keeps a cache in its working directory: not in the repository.
            let (status, text) = try runTestPython([
                "-m", "schemathesis.cli", "run", "http://127.0.0.1:\(ingress.port)/openapi.json",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
                "--max-examples", "25", "--workers", "1", "--generation-deterministic",
                "--header", "Authorization: Bearer \(key)",
            ], in: FileManager.default.temporaryDirectory)
            #expect(status == 0, "schemathesis:\n\(text.suffix(6_000))")
            #expect(text.contains("/v1/events") && text.contains("/v1/jobs"), "it exercised the API: \(text.suffix(2_000))")
            await ingress.client.shutdown()
        }
    }
}
