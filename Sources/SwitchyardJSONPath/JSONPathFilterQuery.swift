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
    func values(current: JSONValue, in evaluation: JSONPathEvaluation) -> [JSONValue] {
        if let singular { return singular.value(current: current, root: evaluation.root).map { [$0] } ?? [] }
        let start = JSONPathLocatedValue(value: isAbsolute ? evaluation.root : current, location: nil)
        return evaluation.withoutPaths { JSONPathSegment.evaluate(segments, from: start, in: evaluation).map(\.value) }
    }

    /// Whether it selects at least one node (an existence test).
    func selectsAnything(current: JSONValue, in evaluation: JSONPathEvaluation) -> Bool {
        if let singular {
            // Not `!= nil`: JSONValue is ExpressibleByNilLiteral, so `nil` could be read as `.null`.
            guard case .some = singular.value(current: current, root: evaluation.root) else { return false }
            return true
        }
        return !values(current: current, in: evaluation).isEmpty
    }
}
