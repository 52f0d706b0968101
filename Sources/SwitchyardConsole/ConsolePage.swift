// The frame of every console page, and the HTTP answer that carries it.

import HTTPTypes
import Hummingbird

/// Renders pages in the console's frame: one stylesheet, one script, a header with the
/// navigation and the signed-in operator, and headers that keep the page out of caches and
/// frames and allow only the console's own script.
enum ConsolePage {
    static let securityHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    /// A whole page.
    /// - Parameters:
    ///   - title: The page's title and first heading.
    ///   - session: The signed-in operator, for the header (nil on the sign-in page).
    ///   - status: The HTTP status.
    ///   - extraHeaders: More headers (a cookie).
    ///   - body: What goes under the heading.
    static func response(
        _ title: String, session: ConsoleSession?, status: HTTPResponse.Status = .ok, extraHeaders: HTTPFields = [:], body: HTML
    ) -> Response {
        let navigation: HTML = session.map { session in
            """
            <nav aria-label="Console">
            <a href="/console">Overview</a>
            <a href="/console/dead-letters">Dead letters</a>
            <a href="/console/objects">Find an object</a>
            </nav>
            <span>Signed in as \(session.operator.name)</span>
            <form method="post" action="/console/sign-out">\(session.csrfField)<button type="submit" class="plain">Sign out</button></form>
            """
        } ?? .empty
        let page: HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Switchyard console</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/console/static/console.css">
            <script src="/console/static/console.js" defer></script>
            </head>
            <body>
            <header><strong>Switchyard console</strong>\(navigation)</header>
            <main>
            <h1>\(title)</h1>
            \(body)
            </main>
            </body>
            </html>
            """
        var headers = securityHeaders
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.rendered)))
    }

    /// A page that says what was wrong with a request: which field, what was expected, what came.
    static func problem(
        _ status: HTTPResponse.Status, _ title: String, _ message: String, session: ConsoleSession?, back: String = "/console"
    ) -> Response {
        response(title, session: session, status: status, body: """
            <p class="problem" role="alert">\(message)</p>
            <p><a href="\(back)">Back</a></p>
            """)
    }

    /// 303 to `location` (after a form that changed something).
    static func redirect(to location: String, extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extraHeaders)
        return Response(status: .seeOther, headers: headers)
    }
}
