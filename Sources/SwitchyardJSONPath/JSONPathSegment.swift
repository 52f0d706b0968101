// A segment of a query, applied to a nodelist: its selectors on each node (child), or on each
// node and all its descendants (descendant).

import SwitchyardCore

/// `[sel, …]`, `.name`, `.*` (a child segment) or `..[sel, …]`, `..name`, `..*` (a
/// descendant segment).
struct JSONPathSegment: Sendable {
    var selectors: [JSONPathSelector]
    var isDescendant: Bool

    /// The one step this segment takes when it selects at most one child: a child segment of a
    /// single name or index.
    var singularStep: JSONPathStep? {
        guard !isDescendant, selectors.count == 1 else { return nil }
        switch selectors[0] {
        case .name(let name): return .name(name)
        case .index(let index): return .index(index)
        case .wildcard, .slice, .filter: return nil
        }
    }

    /// Runs `segments` one after the other from `start`.
    /// - Parameters:
    ///   - segments: The query's segments.
    ///   - start: The node the query starts at (the root, or `@` in a filter).
    ///   - evaluation: The document (for `$` inside filters), whether to keep locations, and
    ///     the work left; once it is spent, what comes back is incomplete.
    static func evaluate(_ segments: [JSONPathSegment], from start: JSONPathLocatedValue, in evaluation: JSONPathEvaluation)
        -> [JSONPathLocatedValue]
    {
        var nodes = [start]
        for segment in segments {
            if nodes.isEmpty || evaluation.isExhausted { break }
            nodes = segment.apply(to: nodes, in: evaluation)
        }
        return nodes
    }

    /// The nodes this segment selects from `nodes`, in order.
    func apply(to nodes: [JSONPathLocatedValue], in evaluation: JSONPathEvaluation) -> [JSONPathLocatedValue] {
        var output: [JSONPathLocatedValue] = []
        for node in nodes {
            if evaluation.isExhausted { break }
            if isDescendant {
                visitDescendants(of: node, in: evaluation, into: &output)
            } else {
                for selector in selectors { selector.select(from: node, in: evaluation, into: &output) }
            }
            if !evaluation.admit(nodes: output.count) { break }
        }
        return output
    }

    /// The selectors on `node`, then on each of its descendants, depth first, children in
    /// order (array order, members by name), without recursion however deep the document.
    /// Only arrays and objects are visited: no selector selects anything from another value.
    private func visitDescendants(
        of node: JSONPathLocatedValue, in evaluation: JSONPathEvaluation, into output: inout [JSONPathLocatedValue]
    ) {
        let paths = evaluation.paths
        var pending = [node]
        while evaluation.charge(1), evaluation.admit(nodes: output.count), let current = pending.popLast() {
            for selector in selectors { selector.select(from: current, in: evaluation, into: &output) }
            switch current.value {
            case .array(let elements):
                for index in elements.indices.reversed() where elements[index].isContainer {
                    pending.append(current.child(elements[index], .index(index), paths: paths))
                }
            case .object(let members):
                var containers: [(key: String, value: JSONValue)] = []
                for member in members where member.value.isContainer { containers.append(member) }
                // Descending, so the first by name is taken next.
                if containers.count > 1 { containers.sort { $0.key > $1.key } }
                for member in containers {
                    pending.append(current.child(member.value, .name(member.key), paths: paths))
                }
            case .null, .bool, .int, .double, .string:
                break
            }
        }
    }
}
