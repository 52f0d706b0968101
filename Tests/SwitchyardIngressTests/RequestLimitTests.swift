import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// Bad input gets a clear JSON error and changes nothing; an unreachable broker is a 503.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RequestLimitTests {
    @Test func oversizedMalformedAndMistypedBodiesAreRefusedClearly() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet, environment: ["SWITCHYARD_HTTP_BODY_LIMIT": "1024"])
            let big = #"{"event_type":"conversation_ended","conversation_id":"c","pad":""# + String(repeating: "x", count: 2_000) + #""}"#
            let tooLarge = try await ingress.webhook(body: big)
            #expect(tooLarge.status == 413, "\(tooLarge.bodyText)")
            #expect(tooLarge.errorCode == "body_too_large")

            let malformed = try await ingress.webhook(body: #"{"event_type": "conversation_ended",, }"#)
            #expect(malformed.status == 400, "\(malformed.bodyText)")
            #expect(malformed.errorCode == "malformed_json")
            #expect(malformed.bodyText.contains("column"), "names the position: \(malformed.bodyText)")

            let wrongType = try await ingress.webhook(body: WebhookTests.conversationEnded, contentType: "text/plain")
            #expect(wrongType.status == 415)
            #expect(wrongType.errorCode == "unsupported_media_type")

            let missing = try await ingress.webhook(body: #"{"event_type":"conversation_ended"}"#)
            #expect(missing.status == 422)
            #expect((missing.json["error"] as? [String: Any])?["field"] as? String == "conversation_id")

            let unknown = try await ingress.post("/v1/nothing-here", body: "{}", headers: [])
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            // A path served with other methods says which (it answered 404, as if it didn't exist).
            let wrongMethod = try await ingress.client.execute(HTTPRequest(method: .delete, url: "http://127.0.0.1:\(ingress.port)/v1/events"))
            #expect(wrongMethod.status == 405 && wrongMethod.header("Allow") == "POST", "\(wrongMethod.status) \(wrongMethod.bodyText)")
            #expect(wrongMethod.bodyText.contains(#""code":"method_not_allowed""#) && wrongMethod.bodyText.contains("it takes POST"))
            let parameterized = try await ingress.client.execute(HTTPRequest(method: .put, url: "http://127.0.0.1:\(ingress.port)/v1/jobs/anything"))
            #expect(parameterized.status == 405 && parameterized.header("Allow") == "GET", "\(parameterized.status) \(parameterized.bodyText)")

            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 0)
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts") == 0)
            await ingress.client.shutdown()
        }
    }

    @Test func bytesThatBreakHTTPGetAJSON400AndTheConnectionCloses() async throws {
        try await withFleet { fleet in
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "acme"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            let ingress = try await IngressHarness.start(fleet)
            let events = "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer \(key)\r\n"
            for (request, message) in [
                (events + "Idempotency-Key: a\u{1}b\r\nContent-Length: 2\r\n\r\n{}",
                 "a header name or value holds a character HTTP does not allow (control characters, or a space in a name)"),
                ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n",
                 "the request's headers are larger than this server takes (80 KiB, 1000 fields)"),
                ("GARBAGE\r\n\r\n", "the request line is not METHOD /path HTTP/1.1"),
                ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "the request is HTTP/2's connection preface; this server speaks HTTP/1.1"),
                (events + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                 "the Content-Length header is not a single valid length for this request"),
                // In the body: the route is reading it when the framing breaks.
                (events + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", "a chunk of the chunked body has an invalid size line"),
                // Pipelined after a whole request whose answer is still owed.
                ("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n", "the request line is not METHOD /path HTTP/1.1"),
                (events + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                 "the request's framing is not valid HTTP/1.1 (Content-Length together with Transfer-Encoding, "
                    + "a Transfer-Encoding other than chunked, or a line not ended by CRLF)"),
                (events + "Transfer-Encoding: gzip\r\n\r\n{}",
                 "the request's framing is not valid HTTP/1.1 (Content-Length together with Transfer-Encoding, "
                    + "a Transfer-Encoding other than chunked, or a line not ended by CRLF)"),
            ] {
                let client = try LoopbackClient(port: ingress.port)
                defer { client.close() }
                #expect(client.send(request))
                let answer = try #require(await client.receiveUntilClose(timeout: .seconds(10)), "the connection closes after the answer")
                var text = String(decoding: answer, as: UTF8.self)
                if request.hasPrefix("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") {
                    // Pipelined after a whole request: its answer first, then the 400.
                    #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text.prefix(300))")
                    text = String(text[try #require(text.range(of: "HTTP/1.1 400")).lowerBound...])
                }
                #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(text.prefix(300))")
                #expect(text.lowercased().contains("content-type: application/json"), "\(text.prefix(300))")
                #expect(text.hasSuffix(#"{"error":{"code":"malformed_request","message":"\#(message)"}}"#), "\(text.prefix(300))")
            }
            // CONNECT: a 405 with its JSON body, alone or after a pipelined request, and then the
            // connection closes (whatever follows is the would-be tunnel's, and goes nowhere).
            let refusal = #"{"error":{"code":"method_not_allowed","message":"CONNECT is not served here: this server is not a proxy"}}"#
            for (request, first) in [
                ("CONNECT 127.0.0.1:5432 HTTP/1.1\r\nHost: 127.0.0.1:5432\r\n\r\n\u{16}\u{03}\u{01}", nil),
                ("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nCONNECT 127.0.0.1:5432 HTTP/1.1\r\nHost: 127.0.0.1:5432\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\n"),
            ] {
                let connect = try LoopbackClient(port: ingress.port)
                defer { connect.close() }
                #expect(connect.send(request))
                var tunnel = String(decoding: try #require(await connect.receiveUntilClose(timeout: .seconds(10))), as: UTF8.self)
                if let first {
                    #expect(tunnel.hasPrefix(first), "\(tunnel.prefix(300))")
                    #expect(tunnel.components(separatedBy: "HTTP/1.1 ").count == 3, "one answer before the 405, none after: \(tunnel.prefix(600))")
                    tunnel = String(tunnel[try #require(tunnel.range(of: "HTTP/1.1 405")).lowerBound...])
                }
                #expect(tunnel.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"), "\(tunnel.prefix(300))")
                #expect(tunnel.lowercased().contains("content-type: application/json\r\n"), "\(tunnel.prefix(300))")
                #expect(tunnel.hasSuffix(refusal), "the answer, and nothing after it: \(tunnel.prefix(400))")
            }
            // A body that breaks HTTP after its route answered without reading it (no API key, no
            // such route): that answer is the request's only one, and the connection closes. Before,
            // Hummingbird wrote an empty 400 after it, a second answer to one request.
            let chunked = "Transfer-Encoding: chunked\r\n\r\n", brokenChunk = "ZZ\r\n"
            for (head, first) in [
                ("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + chunked, "HTTP/1.1 401 Unauthorized\r\n"),
                ("POST /nowhere HTTP/1.1\r\nHost: x\r\n" + chunked, "HTTP/1.1 404 Not Found\r\n"),
            ] {
                for answeredFirst in [false, true] {
                    let client = try LoopbackClient(port: ingress.port)
                    defer { client.close() }
                    if answeredFirst {
                        // The answer comes before the body's broken bytes are sent.
                        #expect(client.send(head))
                        let answer = try #require(await client.receive(atLeast: first.utf8.count, timeout: .seconds(10)))
                        #expect(String(decoding: answer, as: UTF8.self).hasPrefix(first))
                        #expect(client.send(brokenChunk))
                    } else {
                        #expect(client.send(head + brokenChunk))
                    }
                    let text = String(decoding: try #require(await client.receiveUntilClose(timeout: .seconds(10))), as: UTF8.self)
                    #expect(text.components(separatedBy: "HTTP/1.1 ").count == (answeredFirst ? 1 : 2),
                            "one answer, then the connection closes: \(text.prefix(600))")
                    if !answeredFirst {
                        #expect(text.hasPrefix(first) && text.hasSuffix("}}"), "\(text.prefix(300))")
                    }
                }
            }
            #expect(try await ingress.get("/healthz").status == 200, "the ingress serves on")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 0, "nothing was published")
            await ingress.client.shutdown()
        }
    }

    @Test func theMediaTypeIsMatchedWithoutCaseSpacesOrParameters() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            for refused in ["application/jsonx", "application/json-patch+json", "text/json", "application/ json"] {
                let answer = try await ingress.webhook(body: WebhookTests.conversationEnded, contentType: refused)
                #expect(answer.status == 415, "\(refused): \(answer.bodyText)")
                #expect(answer.errorCode == "unsupported_media_type")
            }
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts") == 0)
            let accepted = try await ingress.webhook(body: WebhookTests.conversationEnded, contentType: " Application/JSON\t; charset=utf-8")
            #expect(accepted.status == 200, "\(accepted.bodyText)")
            // The answer follows the broker's confirm, not the receipt's COMMIT.
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts", settlingAt: 1) == 1)
            await ingress.client.shutdown()
        }
    }

    @Test func aStoppedBrokerGives503WithRetryAfterAndNothingHalfDone() async throws {
        try await withFleet { fleet in
            let ingress = try await IngressHarness.start(fleet)
            #expect(try await ingress.webhook(body: WebhookTests.conversationEnded).status == 200)
            try ServicesControl.run("rabbitmqctl", "stop_app")
            var restarted = false
            defer { if !restarted { try? ServicesControl.run("rabbitmqctl", "start_app") } }
            let refused = try await ingress.webhook(body: WebhookTests.conversationEnded, id: "during-outage")
            #expect(refused.status == 503, "\(refused.bodyText)")
            #expect(refused.headers.first { $0.name.lowercased() == "retry-after" } != nil)
            #expect(try await ingress.get("/readyz").status == 503)
            try ServicesControl.run("rabbitmqctl", "start_app")
            restarted = true
            #expect(try await fleet.count("SELECT count(*) FROM webhook_receipts WHERE webhook_id = 'during-outage'") == 0)
            let retried = try await ingress.webhook(body: WebhookTests.conversationEnded, id: "during-outage")
            #expect(retried.status == 200, "the sender's retry succeeds: \(retried.bodyText)")
            #expect(try await fleet.depths(["sy.work.analysis"])["sy.work.analysis"] == 2)
            await ingress.client.shutdown()
        }
    }
}
