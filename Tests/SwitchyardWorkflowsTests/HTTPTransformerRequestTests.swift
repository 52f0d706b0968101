// How the `http` transformer assembles its request from configuration and input.

import Foundation
import SwitchyardCore
import SwitchyardHTTP
@testable import SwitchyardWorkflows
import Testing

struct HTTPTransformerRequestTests {
    @Test func theConfigurationWinsAndItsTemplatesAreRendered() throws {
        let context = StepContext(
            jobID: "j", stepID: "s", tenantID: "t",
            config: ["url": "https://api.example.com/items/{{input.id}}", "headers": ["Authorization": "Bearer {{secrets.token}}"],
                     "method": "post", "body": ["q": "{{input.id}}", "n": 1]],
            secrets: ["token": "abc123"])
        let input: JSONValue = ["id": "42", "url": "http://169.254.169.254/", "headers": ["Authorization": "mine", "X-Trace": "t1"]]
        let request = try HTTPTransformer.request(input: input, context: context)
        #expect(request.url == "https://api.example.com/items/42", "the configured url wins over the input's")
        #expect(request.method == HTTPMethod("POST"))
        #expect(request.headers.first { $0.hasName("Authorization") }?.value == "Bearer abc123")
        #expect(request.headers.first { $0.hasName("X-Trace") }?.value == "t1", "input headers the configuration doesn't set pass")
        #expect(request.headers.first { $0.hasName("Content-Type") }?.value == "application/json")
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(request.body)))
        #expect(body == ["q": "42", "n": 1])
    }

    @Test func inputTextIsNeverRenderedSoItCantReachASecret() throws {
        let context = StepContext(jobID: "j", stepID: "s", tenantID: "t", config: [:], secrets: ["token": "abc123"])
        let request = try HTTPTransformer.request(
            input: ["url": "https://example.com/{{secrets.token}}", "body": "{{secrets.token}}"], context: context)
        #expect(request.url == "https://example.com/{{secrets.token}}")
        #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == "{{secrets.token}}")
        #expect(request.method == HTTPMethod("POST"), "a body without a method is a POST")
        #expect(request.headers.first { $0.hasName("Content-Type") }?.value == "text/plain; charset=utf-8")
    }

    @Test func everyRequestSaysHowManyStepsLedToItWhateverTheConfigurationOrInputSay() throws {
        let context = StepContext(
            jobID: "j", stepID: "s", tenantID: "t", config: ["headers": ["switchyard-hop": "0"]], hops: 3)
        let request = try HTTPTransformer.request(input: ["url": "https://x", "headers": ["Switchyard-Hop": "0"]], context: context)
        #expect(request.headers.filter { $0.hasName(WorkflowHops.httpHeader) }.map(\.value) == ["4"])
        let first = try HTTPTransformer.request(input: ["url": "https://x"], context: StepContext(jobID: "j", stepID: "s", tenantID: "t"))
        #expect(first.headers.filter { $0.hasName(WorkflowHops.httpHeader) }.map(\.value) == ["1"])
    }

    /// A step's headers could frame the request differently from the client (a smuggled second
    /// request on a pooled connection, answered to another tenant's step) or name a host the
    /// outbound guard never checked.
    @Test(arguments: ["Content-Length", "Transfer-Encoding", "connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Host", "HOST", "Expect"])
    func headersThatFrameTheRequestOrNameItsHostAreRefused(name: String) {
        let context = StepContext(jobID: "j", stepID: "s", tenantID: "t")
        let fromInput = #expect(throws: (any Error).self) {
            try HTTPTransformer.request(input: ["url": "https://x", "headers": [name: "0"], "body": "GET /smuggled HTTP/1.1\r\n\r\n"], context: context)
        }
        #expect("\(fromInput.map { "\($0)" } ?? "")" == "headers.\(name): not allowed: the client sets \(name) from the URL, the body and the connection")
        let configured = StepContext(jobID: "j", stepID: "s", tenantID: "t", config: ["headers": [name: "0"]])
        #expect(throws: (any Error).self) { try HTTPTransformer.request(input: ["url": "https://x"], context: configured) }
        #expect(TransformerSettings.problems(of: ["headers": [name: "0"]], type: .http, secretNames: [], at: JSONPointer.root.appending("config")).map(\.pointer) == ["/config/headers/\(name)"])
    }

    /// What the client would refuse at every run is refused when the transformer is stored.
    @Test func headersNoRequestCouldCarryAreRefusedWhenConfigured() {
        let problems = TransformerSettings.problems(
            of: ["headers": ["X-A": "v\r\nX-Injected: 1", "Bad Name": "1", "X-Nul": "a\u{0}", "X-Fine": "{{input.trace}}"]], type: .http,
            secretNames: [], at: JSONPointer.root.appending("config"))
        #expect(problems.map(\.description) == [
            "/config/headers/Bad Name: header name \"Bad Name\" is not a token",
            "/config/headers/X-A: value of header X-A contains CR, LF or NUL",
            "/config/headers/X-Nul: value of header X-Nul contains CR, LF or NUL",
        ])
    }

    @Test func badSettingsAreNamed() {
        let context = StepContext(jobID: "j", stepID: "s", tenantID: "t")
        #expect(throws: (any Error).self) { try HTTPTransformer.request(input: ["url": 5], context: context) }
        #expect(throws: (any Error).self) { try HTTPTransformer.request(input: ["url": "https://x", "method": "BREW"], context: context) }
        #expect(throws: (any Error).self) { try HTTPTransformer.request(input: ["url": "https://x", "timeout_seconds": 0], context: context) }
        #expect(throws: (any Error).self) { try HTTPTransformer.request(input: ["url": "https://x", "headers": ["A": 1]], context: context) }
    }
}
