// An ingress process on a free port over a test fleet, and webhooks signed by the reference
// Python implementation of Standard Webhooks.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// A running `switchyard ingress` for one test.
struct IngressHarness {
    let fleet: Fleet
    let port: Int
    let client: HTTPClient
    /// The ingress process.
    let process: Process

    /// Two secrets, as during a rotation.
    static let secret = "whsec_" + Data("switchyard-test-secret-one-32-bytes".utf8).base64EncodedString()
    static let rotatedSecret = "whsec_" + Data("switchyard-test-secret-two-32-bytes".utf8).base64EncodedString()

    /// Starts the ingress with the given extra arguments and environment and waits until it answers /healthz.
    static func start(_ fleet: Fleet, arguments: [String] = [], environment: [String: String] = [:]) async throws -> IngressHarness {
        let port = try freeLoopbackPort()
        let defaults = ["SWITCHYARD_WEBHOOK_SECRET_TAVUS": "\(secret),\(rotatedSecret)"]
        let process = try fleet.start(["ingress", "--port", "\(port)"] + arguments, environment: defaults.merging(environment) { $1 })
        let harness = IngressHarness(fleet: fleet, port: port, client: HTTPClient(), process: process)
        try await eventually("the ingress to listen", timeout: .seconds(20)) {
            (try? await harness.get("/healthz").status) == 200
        }
        return harness
    }

    func get(_ path: String) async throws -> HTTPResponse {
        try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)"))
    }

    func post(_ path: String, body: String, headers: [HTTPHeader], timeout: Duration? = nil) async throws -> HTTPResponse {
        try await client.execute(HTTPRequest(
            method: .post, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: Array(body.utf8), timeout: timeout))
    }

    /// Posts a webhook signed with `secret` by the reference implementation.
    func webhook(
        _ source: String = "tavus", body: String, id: String = UUID().uuidString, secret: String = IngressHarness.secret,
        timestamp: Int = Int(Date().timeIntervalSince1970), signedBody: String? = nil, contentType: String = "application/json",
        omit: String? = nil, extraHeaders: [HTTPHeader] = [], timeout: Duration? = nil
    ) async throws -> HTTPResponse {
        let signature = try Self.referenceSignature(secret: secret, id: id, timestamp: timestamp, body: signedBody ?? body)
        var headers = [
            HTTPHeader("Content-Type", contentType), HTTPHeader("webhook-id", id),
            HTTPHeader("webhook-timestamp", "\(timestamp)"), HTTPHeader("webhook-signature", signature),
        ]
        headers.removeAll { $0.name == omit }
        headers += extraHeaders
        return try await post("/v1/webhooks/\(source)", body: body, headers: headers, timeout: timeout)
    }

    /// The `webhook-signature` the `standardwebhooks` package computes.
    static func referenceSignature(secret: String, id: String, timestamp: Int, body: String) throws -> String {
        let script = try #require(Bundle.module.url(forResource: "sign_webhook", withExtension: "py"))
        let process = Process()
        // scripts/test points SWITCHYARD_TEST_PYTHON at a virtualenv that has the package.
        let python = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_PYTHON"] ?? "python3"
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [python, script.path, secret, id, "\(timestamp)"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        let signature = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sign_webhook.py failed (is the standardwebhooks package installed?)")
        return signature.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension HTTPResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// `error.code` of an error answer.
    var errorCode: String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }
}
