// The request a guarded client sends to a redirect's target.

extension HTTPRequest {
    /// The statuses whose `Location` a client follows (as libcurl does).
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// This request sent on to `url` after a `status` redirect, as libcurl would send it: 303
    /// turns any method but HEAD into GET without a body, 301 and 302 turn POST into GET without
    /// a body, 307 and 308 repeat method and body. A dropped body takes its `Content-Type` with
    /// it; `Authorization`, `Cookie` and `Proxy-Authorization` are not sent to another origin.
    /// - Parameters:
    ///   - url: The redirect's target (absolute, already checked).
    ///   - status: The redirect's status.
    ///   - sameOrigin: Whether the target has this request's scheme, host and port.
    func redirected(to url: String, status: Int, sameOrigin: Bool) -> HTTPRequest {
        var next = self
        next.url = url
        if (status == 303 && method != .head) || ((status == 301 || status == 302) && method == .post) {
            next.method = .get
            if next.body != nil {
                next.body = nil
                next.headers.removeAll { $0.hasName("Content-Type") }
            }
        }
        if !sameOrigin {
            next.headers.removeAll { $0.hasName("Authorization") || $0.hasName("Cookie") || $0.hasName("Proxy-Authorization") }
        }
        return next
    }
}
