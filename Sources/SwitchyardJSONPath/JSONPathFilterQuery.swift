// A query inside a filter, relative (`@…`) or absolute (`$…`): an existence test or a function's
// nodelist argument.

import SwitchyardCore

/// `@` or `$` and segments.
struct JSONPathFilterQuery: Sendable {
    var isAbsolute: Bool
    var segments: [JSONPathSegment]
    /// The same query walked step by step, when every segment selects at most one child.
    var singular: JSONPathSingularQuery?

    init(isAbsolute: Bool, segments: [JSONPathSegment]) {
        self.isAbsolute = isAbsolute
        self.segments = segments
        let steps = segments.compactMap(\.singularStep)
        singular = steps.count == segments.count ? JSONPathSingularQuery(isAbsolute: isAbsolute, steps: steps) : nil
    }

    /// The values of the nodes it selects, in order.
    func values(current: JSONValue, root: JSONValue) -> [JSONValue] {
        if let singular { return singular.value(current: current, root: root).map { [$0] } ?? [] }
        let start = JSONPathLocatedValue(value: isAbsolute ? root : current, location: nil)
        return JSONPathSegment.evaluate(segments, from: start, root: root, paths: false).map(\.value)
    }

    /// Whether it selects at least one node (an existence test).
    func selectsAnything(current: JSONValue, root: JSONValue) -> Bool {
        if let singular {
            // Not `!= nil`: JSONValue is ExpressibleByNilLiteral, so `nil` could be read as `.null`.
            guard case .some = singular.value(current: current, root: root) else { return false }
            return true
        }
        return !values(current: current, root: root).isEmpty
    }
}
