// Two tenants with chatbots and automations, for the chatbot automation tests.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// The ingress, two tenants, and shortcuts for chatbots, automations, events and executions.
struct AutomationHarness {
    let fleet: Fleet
    let tenants: JobAPITests.Tenants
    var ingress: IngressHarness { tenants.ingress }

    static func start(_ fleet: Fleet) async throws -> AutomationHarness {
        AutomationHarness(fleet: fleet, tenants: try await JobAPITests.Tenants.start(fleet))
    }

    /// Starts an `automations` worker and a `workflow` worker (one process).
    @discardableResult
    func workers(_ roles: [String] = ["automations", "workflow"], _ arguments: [String] = []) throws -> Process {
        try fleet.startWorker(roles + arguments)
    }

    /// The value of one series (`name{labels}`, or a bare name) on a worker's `/metrics`; nil
    /// when absent.
    func metric(_ series: String, port: Int) async throws -> Double? {
        let response = try await ingress.client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics"))
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// `POST /v1/chatbots` with `key`; returns the chatbot's id.
    func chatbot(_ name: String, key: String) async throws -> String {
        let response = try await ingress.send(.post, "/v1/chatbots", key: key, body: #"{"name":"\#(name)"}"#)
        try #require(response.status == 201, "POST /v1/chatbots: \(response.bodyText)")
        return try #require(response.json["id"] as? String)
    }

    /// `POST /v1/chatbots/{id}/automations` with `key` (tenant A's by default); returns the automation.
    @discardableResult
    func automation(
        on chatbot: String, name: String, trigger: String, workflow: String = "echo", extra: String = "", key: String? = nil
    ) async throws -> [String: Any] {
        let body = #"{"name":"\#(name)","trigger":\#(trigger),"workflow_id":"\#(workflow)"\#(extra)}"#
        let response = try await ingress.send(.post, "/v1/chatbots/\(chatbot)/automations", key: key ?? tenants.a.key, body: body)
        try #require(response.status == 201, "POST automation \(name): \(response.bodyText)")
        return response.json
    }

    /// `POST /v1/events` with `key`; returns the event's message id.
    @discardableResult
    func send(_ type: String, _ body: String, key: String? = nil, idempotencyKey: String? = nil) async throws -> String {
        let response = try await ingress.send(
            .post, "/v1/events", key: key ?? tenants.a.key, body: #"{"type":"\#(type)","body":\#(body)}"#, idempotencyKey: idempotencyKey)
        try #require(response.status == 202, "POST /v1/events: \(response.bodyText)")
        return try #require((response.json["event"] as? [String: Any])?["message_id"] as? String)
    }

    /// Waits until the automations role has handled message `id` (its inbox row committed).
    func handled(_ id: String) async throws {
        try await eventually("the automations role to handle \(id)", timeout: .seconds(30)) {
            try await fleet.count("SELECT count(*) FROM inbox WHERE consumer LIKE '%automations%' AND message_id = '\(id)'") == 1
        }
    }

    /// The names of the automations that have an execution for event `id`, sorted.
    func matched(_ id: String) async throws -> [String] {
        try await handled(id)
        let names = try await fleet.text(
            """
            SELECT coalesce(string_agg(a.name, ',' ORDER BY a.name), '') FROM automation_executions e
            JOIN automations a ON a.id = e.automation_id WHERE e.event_id = '\(id)'
            """)
        return names.isEmpty ? [] : names.split(separator: ",").map(String.init)
    }

    /// `GET /v1/executions/{id}` as tenant A.
    func execution(_ id: String) async throws -> [String: Any] {
        try await ingress.send(.get, "/v1/executions/\(id)", key: tenants.a.key).json
    }

    /// The id of the only execution of event `event`.
    func executionID(of event: String) async throws -> String {
        try await handled(event)
        return try await fleet.text("SELECT id::text FROM automation_executions WHERE event_id = '\(event)'")
    }

    /// Waits until execution `id` has `status`, and returns it.
    @discardableResult
    func wait(_ id: String, for status: String) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        try await eventually("execution \(id) to be \(status)", timeout: .seconds(30)) {
            last = try await execution(id)
            return last["status"] as? String == status
        }
        return last
    }

    /// The statuses of an execution's log: `matched`, `pending@start`, ...
    static func log(_ execution: [String: Any]) -> [String] {
        (execution["execution_log"] as? [[String: Any]] ?? []).map { entry in
            (entry["status"] as? String ?? "?") + ((entry["step_id"] as? String).map { "@\($0)" } ?? "")
        }
    }
}
