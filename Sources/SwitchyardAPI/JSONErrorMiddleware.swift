// Every error of a Switchyard HTTP port in the JSON error shape, Hummingbird's own included.

public import Hummingbird
public import Logging
public import SwitchyardCore

/// Turns every error into the JSON error shape: Hummingbird's own (unknown route, wrong
/// method) and unexpected ones (500 without internals). The router answers a path it serves
/// with other methods as it answers an unknown one; that is a 405 naming the methods (`Allow`).
/// Inlinable, so that every request's pass through it is specialized for the router's context
/// in the module that builds the router, as it was while it lived in the ingress's module.
@usableFromInline
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    @usableFromInline let routeMethods: RouteMethods

    @inlinable
    init(routeMethods: RouteMethods) {
        self.routeMethods = routeMethods
    }

    @inlinable
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let allowed = routeMethods.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw APIError(.notFound, "not_found", "no route \(request.uri.path.escapingControlCharacters.prefix(200))") }
            var refusal = APIError(
                .methodNotAllowed, "method_not_allowed",
                "\(request.method.rawValue.escapingControlCharacters.prefix(20)) is not served at this path; it takes \(allowed.joined(separator: ", "))")
            refusal.allow = allowed
            throw refusal
        } catch let error as HTTPError {
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "body_too_large"
            default: "http_\(error.status.code)"
            }
            throw APIError(error.status, code, error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, "internal", "an unexpected error occurred")
        }
    }
}

extension Router {
    /// A router whose every error answers in the JSON error shape (``JSONErrorMiddleware``):
    /// `routes` adds the routes and any further middleware, then the router learns which
    /// methods each path takes, so a wrong method is a 405 naming them.
    /// - Parameter routes: Adds the routes.
    /// - Returns: The router.
    @inlinable
    public static func answeringErrorsAsJSON(_ routes: (Router<Context>) throws -> Void) rethrows -> Router<Context> {
        let router = Router<Context>(context: Context.self)
        let routeMethods = RouteMethods()
        router.add(middleware: JSONErrorMiddleware(routeMethods: routeMethods))
        try routes(router)
        routeMethods.load(router)
        return router
    }
}
