// Signing in with an operator token and out again.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPostgres

extension Console {
    /// The sign-in form; `next` is where a successful sign-in goes (a console path only).
    func signInForm(status: HTTPResponse.Status, next: String?, problem: String?, extraHeaders: HTTPFields = [:]) -> Response {
        let next = Self.consolePath(next) ?? "/console"
        let alert: HTML = problem.map { "<p class=\"problem\" role=\"alert\">\($0)</p>" } ?? .empty
        return ConsolePage.response("Sign in", session: nil, status: status, extraHeaders: extraHeaders, body: """
            <p>The console is for the fleet's operators. Sign in with the token <code>switchyard operators create NAME</code> printed.</p>
            \(alert)
            <form method="post" action="/console/sign-in">
            <input type="hidden" name="next" value="\(next)">
            <p><label for="token">Operator token</label><br>
            <input type="password" id="token" name="token" autocomplete="current-password" required size="52"></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            """)
    }

    /// `path` when it is a path of the console (no scheme, no host, no `//`), else nil: a
    /// sign-in never sends anyone elsewhere.
    static func consolePath(_ path: String?) -> String? {
        guard let path, path == "/console" || path.hasPrefix("/console/") || path.hasPrefix("/console?"),
              !path.contains("//"), !path.contains("\\"), path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        return path
    }

    func signInPage(_ request: Request) async throws -> Response {
        if (try? await access.session(of: request)) != nil { return ConsolePage.redirect(to: "/console") }
        return signInForm(status: .ok, next: FormFields(encoded: request.uri.query ?? "")["next"], problem: nil)
    }

    func signIn(_ request: Request, from address: String) async throws -> Response {
        if let wait = access.signInAttempts.take(address) {
            return signInForm(
                status: .tooManyRequests, next: nil,
                problem: "Too many sign-in attempts from this address; try again in \(wait) seconds.",
                extraHeaders: [.retryAfter: String(wait)])
        }
        guard let body = try? await request.body(upTo: 4_096) else {
            return signInForm(status: .contentTooLarge, next: nil, problem: "field token: expected an operator token, got over 4 KiB")
        }
        let fields = FormFields(encoded: String(decoding: body, as: UTF8.self))
        guard let token = fields["token"]?.trimmingWhiteSpace() else {
            return signInForm(status: .badRequest, next: fields["next"], problem: "field token: expected an operator token, got nothing")
        }
        let signedIn: (ConsoleOperator, secret: String)?
        do {
            signedIn = try await dependencies.pool.withTransaction { connection in
                guard let (found, secret) = try Operators.signIn(token: token, on: connection) else { return nil }
                try OperatorActionLog.record("sign_in", by: found, affected: 0, detail: [:], on: connection)
                return (found, secret)
            }
        } catch {
            return ConsolePage.problem(.serviceUnavailable, "Unavailable", "The database does not answer; try again shortly.", session: nil)
        }
        guard let (found, secret) = signedIn else {
            logger.notice("console sign-in refused", metadata: ["address": "\(address)"])
            return signInForm(
                status: .unauthorized, next: fields["next"],
                problem: "field token: expected an operator token (syop_…) that is neither unknown nor revoked")
        }
        logger.info("console sign-in", metadata: ["operator": "\(found.name)", "address": "\(address)"])
        return ConsolePage.redirect(
            to: Self.consolePath(fields["next"]) ?? "/console", extraHeaders: [.setCookie: access.setCookie(secret, for: request)])
    }

    func signOut(_ session: ConsoleSession, request: Request) async throws -> Response {
        try await dependencies.pool.withTransaction { connection in
            try Operators.signOut(session.secret, on: connection)
            try OperatorActionLog.record("sign_out", by: session.operator, affected: 0, detail: [:], on: connection)
        }
        return ConsolePage.redirect(to: "/console/sign-in", extraHeaders: [.setCookie: access.setCookie(nil, for: request)])
    }
}
