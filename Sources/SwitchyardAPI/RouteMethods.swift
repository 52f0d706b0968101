// Which methods a path is served with, so a request with another method is told 405 and what
// the path takes, not 404 as if the path did not exist.

import HTTPTypes
public import Hummingbird
import Synchronization

/// The router's routes by path pattern, filled once the router has every route.
@usableFromInline
final class RouteMethods: Sendable {
    @usableFromInline init() {}

    private let routes = Mutex<[(segments: [Substring], method: String)]>([])

    /// Takes the routes of `router`.
    @usableFromInline
    func load<Context>(_ router: Router<Context>) {
        let table = router.routes.map { route in
            (segments: route.path.description.split(separator: "/"), method: route.method.rawValue)
        }
        routes.withLock { $0 = table }
    }

    /// The methods `path` is served with, sorted; empty when no route has the path.
    @usableFromInline
    func methods(for path: String) -> [String] {
        let requested = path.split(separator: "/")
        let methods = routes.withLock { routes in
            routes.filter { Self.matches($0.segments, requested) }.map(\.method)
        }
        return Set(methods).sorted()
    }

    /// Whether a route's segments, as Hummingbird describes them (`{name}` captures one segment,
    /// `*` matches any one, `**` the rest; a capture or wildcard with a prefix or suffix is
    /// taken as any one), match a request path's.
    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        for (index, segment) in pattern.enumerated() {
            if segment == "**" { return true }
            guard index < path.count else { return false }
            guard segment.contains("{") || segment.contains("*") || segment == path[index] else { return false }
        }
        return pattern.count == path.count
    }
}
