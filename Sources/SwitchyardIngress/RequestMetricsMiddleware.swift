// Per-request metrics that leave a fixed-size answer's body alone, so it goes out in one write.

import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Records the metrics Hummingbird's `MetricsMiddleware` records, under the same labels and
/// dimensions: `hb.requests`, `http.server.request.duration` and `hb.request.errors` per route,
/// method and status, and `http.server.active_requests` per method.
///
/// Hummingbird's middleware wraps every response body in a closure so that it records after the
/// body is written, and a wrapped body leaves head, body and end apart: three hops to the
/// connection's event loop and two `write`s per answer. An answer of known length (every JSON
/// answer) is written as soon as its handler returns, so this middleware records it then and
/// leaves the body as it is: Hummingbird sends head, body and end in one hop and one `write`.
/// A streamed body (Server-Sent Events) is still wrapped, so that its duration and the active
/// requests span the stream.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = RequestMetricsCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = cache.activeRequests(request.method)
        active.increment()
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = cache.endpoint(.init(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
            metrics.requests.increment()
            metrics.errors.increment()
            active.decrement()
            throw error
        }
        let metrics = cache.endpoint(.init(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
        guard response.body.contentLength == nil else {
            metrics.finished(startedAt: start, active: active)
            return response
        }
        var streamed = response
        let body = response.body
        streamed.body = ResponseBody { writer in
            defer { metrics.finished(startedAt: start, active: active) }
            try await body.write(writer)
        }
        return streamed
    }
}

/// The metrics of each route, method and status, and the active-request meter of each method,
/// made once (a lookup per request instead of a metrics factory's).
final class RequestMetricsCache: Sendable {
    /// What an endpoint's metrics are kept under.
    struct EndpointKey: Hashable, Sendable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    /// An endpoint's metrics.
    struct EndpointMetrics: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter

        init(_ key: EndpointKey) {
            let dimensions = [
                ("http.route", key.route), ("http.request.method", key.method.rawValue),
                ("http.response.status_code", String(key.status.code)),
            ]
            requests = Counter(label: "hb.requests", dimensions: dimensions)
            duration = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            errors = Counter(label: "hb.request.errors", dimensions: [
                ("http.route", key.route), ("http.request.method", key.method.rawValue), ("error.type", String(key.status.code)),
            ])
        }

        /// Counts a request answered and records its duration.
        func finished(startedAt start: UInt64, active: Meter) {
            requests.increment()
            duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
            active.decrement()
        }
    }

    private let endpoints = Mutex<[EndpointKey: EndpointMetrics]>([:])
    private let active = Mutex<[HTTPRequest.Method: Meter]>([:])

    /// The metrics of `key`, made on first use.
    func endpoint(_ key: EndpointKey) -> EndpointMetrics {
        endpoints.withLock { endpoints in
            if let metrics = endpoints[key] { return metrics }
            let metrics = EndpointMetrics(key)
            endpoints[key] = metrics
            return metrics
        }
    }

    /// The active-request meter of `method`, made on first use.
    func activeRequests(_ method: HTTPRequest.Method) -> Meter {
        active.withLock { active in
            if let meter = active[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            active[method] = meter
            return meter
        }
    }
}
