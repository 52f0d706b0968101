// Non-2xx statuses come back as responses; requireSuccess classifies them and reads Retry-After.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite struct HTTPClientStatusTests {
    @Test func statusesComeBackAsResponsesAndRequireSuccessClassifiesThem() async throws {
        let routes: [String: LoopbackRoute] = [
            "/500": .text("database on fire", status: 500),
            "/404": .text("no such thing", status: 404),
            "/429": .text("slow down", status: 429, headers: [("Retry-After", "7")]),
        ]
        try await withClient(routes: routes) { client, server in
            let failed = try await client.execute(HTTPRequest(url: server.url("/500")))
            #expect(failed.status == 500)
            let serverError = #expect(throws: HTTPClientError.self) { try failed.requireSuccess() }
            #expect(serverError?.code == .httpStatus)
            #expect(serverError?.status == 500)
            #expect(serverError?.bodyExcerpt == "database on fire")
            #expect(serverError?.isTransient == true)

            let missing = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/404"))).requireSuccess()
            }
            #expect(missing?.status == 404)
            #expect(missing?.isTransient == false)

            let limited = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/429"))).requireSuccess()
            }
            #expect(limited?.status == 429)
            #expect(limited?.isTransient == true)
            #expect(limited?.retryAfter == .seconds(7))
        }
    }

    @Test func successPassesThrough() throws {
        let response = HTTPResponse(status: 204)
        #expect(try response.requireSuccess().status == 204)
    }

    @Test(arguments: [
        (408, true), (429, true), (500, true), (502, true), (503, true),
        (400, false), (401, false), (403, false), (404, false), (422, false), (302, false),
    ])
    func statusClassification(status: Int, transient: Bool) {
        let error = #expect(throws: HTTPClientError.self) { try HTTPResponse(status: status).requireSuccess() }
        #expect(error?.isTransient == transient)
    }

    @Test func theBodyExcerptIsBounded() {
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPResponse(status: 500, body: [UInt8](repeating: UInt8(ascii: "e"), count: 10_000)).requireSuccess()
        }
        #expect(error?.bodyExcerpt?.count == 512)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
        "Sun Nov  6 08:49:37 1994",  // asctime
    ])
    func retryAfterReadsHTTPDates(value: String) {
        let date = Date(timeIntervalSince1970: 784_111_777)  // 1994-11-06 08:49:37 UTC
        let response = HTTPResponse(status: 503, headers: [HTTPHeader("Retry-After", value)])
        #expect(response.retryAfter(now: date - 90) == .seconds(90))
        #expect(response.retryAfter(now: date + 90) == .zero)
    }

    @Test func retryAfterIgnoresWhatItCannotRead() {
        #expect(HTTPResponse(status: 503).retryAfter() == nil)
        #expect(HTTPResponse(status: 503, headers: [HTTPHeader("Retry-After", "soon")]).retryAfter() == nil)
        #expect(HTTPResponse(status: 503, headers: [HTTPHeader("Retry-After", "-5")]).retryAfter() == nil)
        #expect(HTTPResponse(status: 503, headers: [HTTPHeader("retry-after", " 0 ")]).retryAfter() == .zero)
    }

    @Test func errorCodesAreClassified() {
        let transient: [HTTPClientError.Code] = [
            .timeout, .connectTimeout, .connectionFailed, .tlsHandshake, .transferFailed, .cancelled, .shutdown,
        ]
        let permanent: [HTTPClientError.Code] = [.invalidRequest, .tls, .responseTooLarge]
        for code in transient {
            #expect(HTTPClientError(code: code, message: "x").isTransient, "\(code)")
        }
        for code in permanent {
            #expect(!HTTPClientError(code: code, message: "x").isTransient, "\(code)")
        }
        let error = HTTPClientError(code: .timeout, message: "too slow", curlCode: 28, curlMessage: "Operation timed out")
        #expect(error.description == "HTTPClientError(timeout): too slow [curl 28: Operation timed out]")
    }
}
