// The `http` transformer: one request through the outbound guard; the answer's body is the output.

import Foundation
public import SwitchyardCore
public import SwitchyardHTTP

/// `{method, url, headers?, body?, timeout_seconds?}` from the configured transformer and the
/// step's input (the configuration's values win; headers are merged, the configuration's
/// winning). Strings of the configuration are ``Template``s (`{{input.x}}`, `{{secrets.token}}`).
///
/// The output is the response body parsed as JSON, or `{"text": body}` when it is not JSON.
/// 5xx, 408, 429, timeouts and network failures are retryable (a 429 no sooner than its
/// `Retry-After`); other 4xx, a URL the outbound guard refuses and a body over the size limit
/// fail the step. A body given as a string is sent as text, anything else as JSON. Every request
/// says `Switchyard-Hop: n + 1`, where n is the job's hops (``WorkflowHops``): Switchyard's API
/// refuses a request at the limit, which ends a workflow that triggers itself.
public struct HTTPTransformer: StepTransformer {
    /// The methods a step may use.
    public static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    /// The default and the longest time for one request, in seconds.
    public static let defaultTimeout = 30
    public static let maxTimeout = 100
    /// The largest response body accepted.
    public static let maxResponseSize = 4 << 20

    /// Why a step may not set header `name`, if it may not: the fields the client frames the
    /// request with (``HTTPHeader/framingNames``), `Expect` (libcurl's to handle), and `Host`,
    /// which the URL gives (another one would reach a host the outbound guard never checked on
    /// an address it allowed).
    public static func headerProblem(_ name: String) -> String? {
        guard HTTPHeader(name, "").isFraming || ["host", "expect"].contains(name.lowercased()) else { return nil }
        return "not allowed: the client sets \(name) from the URL, the body and the connection"
    }

    private let client: HTTPClient

    /// Creates the transformer.
    /// - Parameter client: A client with the outbound guard (``HTTPClient/Configuration/outboundPolicy``).
    public init(client: HTTPClient) {
        self.client = client
    }

    public func run(_ input: JSONValue, context: StepContext) async -> TransformerResult {
        let request: HTTPRequest
        do {
            request = try Self.request(input: input, context: context)
        } catch {
            return .failed(error.description)
        }
        let response: HTTPResponse
        do {
            response = try await client.execute(request)
        } catch let error as HTTPClientError {
            // libcurl's own words say which limit or rule (\"Maximum (50) redirects followed\").
            let detail = error.curlMessage.map { " (libcurl: \(String($0.prefix(200)).escapingControlCharacters))" } ?? ""
            let message = "\(request.method) \(Redaction.url(request.url).escapingControlCharacters): \(error.message)\(detail)"
            return error.isTransient ? .retryable(message) : .failed(message)
        } catch {
            return .retryable("\(request.method) \(Redaction.url(request.url).escapingControlCharacters): \(error)")
        }
        guard response.isSuccess else {
            let excerpt = String(response.bodyText.prefix(300))
            let message = "HTTP \(response.status) from \(request.method) \(Redaction.url(request.url).escapingControlCharacters)\(excerpt.isEmpty ? "" : ": \(excerpt.escapingControlCharacters)")"
            if response.status == 429, let retryAfter = response.retryAfter() { return .rateLimited(message, retryAfter: retryAfter) }
            return response.status >= 500 || response.status == 408 || response.status == 429 ? .retryable(message) : .failed(message)
        }
        if let json = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)) {
            return .output(json)
        }
        return .output(.object(["text": .string(String(decoding: response.body, as: UTF8.self))]))
    }

    /// A request's settings could not be assembled.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The request the configuration and input describe.
    static func request(input: JSONValue, context: StepContext) throws(Problem) -> HTTPRequest {
        func setting(_ key: String) -> JSONValue? {
            context.config[key] ?? input[key]
        }
        func rendered(_ text: String, configured: Bool) throws(Problem) -> String {
            guard configured else { return text }
            do {
                return try Template(text).render(input: input, secrets: context.secrets)
            } catch {
                throw Problem(description: error.description)
            }
        }
        guard let urlValue = setting("url"), case .string(let urlText) = urlValue else {
            throw Problem(description: "the http transformer needs a url (a string) in its config or input, got \(setting("url")?.kindName ?? "nothing")")
        }
        let url = try rendered(urlText, configured: context.config["url"] != nil)
        var headers: [HTTPHeader] = []
        for (source, configured) in [(input["headers"], false), (context.config["headers"], true)] {
            guard let source else { continue }
            guard case .object(let members) = source else {
                throw Problem(description: "headers: expected an object of strings, got \(source.kindName)")
            }
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = value else {
                    throw Problem(description: "headers.\(name): expected a string, got \(value.kindName)")
                }
                if let refusal = headerProblem(name) { throw Problem(description: "headers.\(name): \(refusal)") }
                headers.removeAll { $0.hasName(name) }
                headers.append(HTTPHeader(name, try rendered(text, configured: configured)))
            }
        }
        // The count of steps that led here goes on, whatever the configuration or input say.
        headers.removeAll { $0.hasName(WorkflowHops.httpHeader) }
        headers.append(HTTPHeader(WorkflowHops.httpHeader, String(context.hops + 1)))
        var body: [UInt8]?
        if let value = setting("body"), value != .null {
            let resolved = context.config["body"] != nil ? try renderedStrings(in: value, input: input, secrets: context.secrets) : value
            if case .string(let text) = resolved {
                body = Array(text.utf8)
                if !headers.contains(where: { $0.hasName("Content-Type") }) { headers.append(HTTPHeader("Content-Type", "text/plain; charset=utf-8")) }
            } else {
                body = Array((try? JSONEncoder().encode(resolved)) ?? Data())
                if !headers.contains(where: { $0.hasName("Content-Type") }) { headers.append(HTTPHeader("Content-Type", "application/json")) }
            }
        }
        var method = body == nil ? "GET" : "POST"
        if let value = setting("method") {
            guard case .string(let text) = value, methods.contains(text.uppercased()) else {
                throw Problem(description: "method: expected one of \(methods.joined(separator: ", ")), got \(value.excerpt())")
            }
            method = text.uppercased()
        }
        var timeout = defaultTimeout
        if let value = setting("timeout_seconds") {
            guard let seconds = value.integer, (1...Int64(maxTimeout)).contains(seconds) else {
                throw Problem(description: "timeout_seconds: expected a whole number 1...\(maxTimeout), got \(value.excerpt())")
            }
            timeout = Int(seconds)
        }
        return HTTPRequest(
            method: HTTPMethod(method), url: url, headers: headers, body: body, timeout: .seconds(timeout),
            maxResponseSize: maxResponseSize)
    }

    /// `value` with every string in it rendered as a template.
    static func renderedStrings(in value: JSONValue, input: JSONValue, secrets: [String: String]) throws(Problem) -> JSONValue {
        switch value {
        case .string(let text):
            do {
                return .string(try Template(text).render(input: input, secrets: secrets))
            } catch {
                throw Problem(description: "body: \(error.description)")
            }
        case .array(let items):
            var rendered: [JSONValue] = []
            for item in items { rendered.append(try renderedStrings(in: item, input: input, secrets: secrets)) }
            return .array(rendered)
        case .object(let members):
            var rendered: [String: JSONValue] = [:]
            for (key, member) in members { rendered[key] = try renderedStrings(in: member, input: input, secrets: secrets) }
            return .object(rendered)
        default:
            return value
        }
    }
}
