// An operator of the console over HTTP: signs in, keeps the session cookie, reads the CSRF
// token from pages and posts forms.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// A console user on a running ingress (or `switchyard console`).
struct ConsoleHarness {
    let port: Int
    let client = HTTPClient()
    var cookie: String?

    /// `switchyard operators create NAME`'s token.
    static func createOperator(_ fleet: Fleet, _ name: String) throws -> String {
        try EventsTests.cli(fleet, ["operators", "create", name])
    }

    /// Signs in with `token`; requires the redirect and the cookie.
    @discardableResult
    mutating func signIn(_ token: String, headers: [HTTPHeader] = []) async throws -> HTTPResponse {
        let response = try await post("/console/sign-in", ["token": token, "next": "/console"], headers: headers)
        try #require(response.status == 303, "sign-in: \(response.status) \(response.bodyText)")
        let setCookie = try #require(response.header("Set-Cookie"))
        cookie = String(try #require(setCookie.split(separator: ";").first))
        return response
    }

    func get(_ path: String, headers: [HTTPHeader] = []) async throws -> HTTPResponse {
        try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)", headers: headers + cookieHeader))
    }

    func post(_ path: String, _ fields: KeyValuePairs<String, String>, headers: [HTTPHeader] = []) async throws -> HTTPResponse {
        try await post(path, fields.map { ($0.key, $0.value) }, headers: headers)
    }

    func post(_ path: String, _ fields: [(String, String)], headers: [HTTPHeader] = []) async throws -> HTTPResponse {
        let body = fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return try await client.execute(HTTPRequest(
            method: .post, url: "http://127.0.0.1:\(port)\(path)",
            headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")] + headers + cookieHeader, body: Array(body.utf8)))
    }

    private var cookieHeader: [HTTPHeader] {
        cookie.map { [HTTPHeader("Cookie", $0)] } ?? []
    }

    /// The CSRF token the console's pages carry for this session.
    func csrfToken() async throws -> String {
        let page = try await get("/console/dead-letters").bodyText
        let match = try #require(page.firstMatch(of: /name="csrf" value="([A-Za-z0-9_-]+)"/), "no CSRF field in \(page.prefix(400))")
        return String(match.1)
    }
}

extension HTTPResponse {
    /// Whether this is the console's sign-in page.
    var isSignInPage: Bool {
        bodyText.contains(#"<input type="password" id="token" name="token""#) && bodyText.contains("<title>Sign in")
    }
}
