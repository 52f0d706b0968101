// A compiled RFC 9535 JSONPath query: parsed and type-checked once, evaluated against any
// number of documents.

public import SwitchyardCore

/// A JSONPath query (RFC 9535), compiled once and evaluated many times.
///
/// ```swift
/// let cheap = try JSONPath("$.store.book[?@.price < 10].title")
/// let titles = cheap.values(in: document)        // [JSONValue]
/// let nodes = cheap.evaluate(document)           // values with their normalized paths
/// ```
///
/// Everything RFC 9535 defines is supported: name, wildcard, index, slice and filter selectors,
/// child and descendant segments, comparisons, `!`, `&&`, `||`, parentheses, existence tests,
/// and the functions `length`, `count`, `match`, `search` and `value`, checked for
/// well-typedness when the query is compiled. `match` and `search` take I-Regexp (RFC 9485)
/// patterns, run in time linear in the string; a pattern that is not valid I-Regexp makes them
/// false. As the compliance suite expects, `^` and `$` outside a character class anchor at the
/// string's start and end.
///
/// An object's members are visited sorted by name (RFC 9535 leaves their order open), so every
/// process gives the same nodelist for the same document.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The deepest that filters, parentheses and function calls may nest in a query; deeper
    /// ones are refused with ``JSONPathError/Code-swift.struct/nestingTooDeep`` so neither
    /// compiling nor evaluating can exhaust a thread's stack. (A debug build uses 8-14 KB of
    /// stack per level and overflows an 8 MiB stack at about 1,000; 128 leaves room on any
    /// thread, and no real query comes near it.)
    public static let maximumNestingDepth = 128

    /// The query as written.
    public let query: String
    /// The compiled segments, in order.
    let segments: [JSONPathSegment]

    /// Compiles `query`.
    /// - Parameter query: An RFC 9535 query, such as `$.store.book[?@.price < 10].title`.
    /// - Throws: ``JSONPathError`` naming the first mistake and its position.
    public init(_ query: String) throws(JSONPathError) {
        var parser = JSONPathParser(query)
        segments = try parser.parseQuery()
        self.query = query
    }

    /// Whether the query selects at most one node, whatever the document: only single names
    /// and indices, no descendant segment.
    public var isSingular: Bool {
        segments.allSatisfy { $0.singularStep != nil }
    }

    /// The work ``values(in:workLimit:)`` allows by default: about half a second of one core
    /// in a release build (30-50 ns a step, measured on `$..*..*`), and some forty times what
    /// `$..*` does on the largest body the ingress accepts by default (256 KB).
    public static let defaultWorkLimit = 10_000_000

    /// The most nodes a nodelist may hold in an evaluation with a work limit: a million located
    /// nodes are about 60 MB while they are built, where work alone would let a tiny document
    /// and a query of wildcards hold ten times that (see ``values(in:workLimit:)``).
    public static let defaultNodeLimit = 1_000_000

    /// The node limit that goes with `workLimit`: ``defaultNodeLimit``, or a tenth of a larger
    /// work limit.
    static func nodeLimit(forWork workLimit: Int) -> Int {
        max(defaultNodeLimit, workLimit / 10)
    }

    /// The nodes the query selects from `document`, in order, each with its normalized path,
    /// however much work that takes (see ``values(in:workLimit:)``).
    /// - Parameter document: The value `$` stands for.
    public func evaluate(_ document: JSONValue) -> [JSONPathNode] {
        let evaluation = JSONPathEvaluation(root: document, paths: true, limit: .max, nodeLimit: .max)
        return JSONPathSegment.evaluate(segments, from: JSONPathLocatedValue(value: document, location: nil), in: evaluation).map {
            JSONPathNode(value: $0.value, path: JSONPathLocation.normalizedPath($0.location))
        }
    }

    /// ``evaluate(_:)`` that stops once the evaluation has done `workLimit` units of work (see
    /// ``values(in:workLimit:)``).
    /// - Parameters:
    ///   - document: The value `$` stands for.
    ///   - workLimit: The most work the evaluation may do.
    /// - Throws: ``JSONPathError`` with ``JSONPathError/Code-swift.struct/workLimitExceeded``
    ///   or ``JSONPathError/Code-swift.struct/nodeLimitExceeded``.
    public func evaluate(_ document: JSONValue, workLimit: Int) throws(JSONPathError) -> [JSONPathNode] {
        let evaluation = JSONPathEvaluation(root: document, paths: true, limit: workLimit, nodeLimit: Self.nodeLimit(forWork: workLimit))
        let located = JSONPathSegment.evaluate(segments, from: JSONPathLocatedValue(value: document, location: nil), in: evaluation)
        guard !evaluation.isExhausted else { throw stopped(evaluation) }
        return located.map { JSONPathNode(value: $0.value, path: JSONPathLocation.normalizedPath($0.location)) }
    }

    /// The values of the nodes the query selects from `document`, in order, however much work
    /// that takes; faster than ``evaluate(_:)`` when the paths aren't needed.
    /// - Parameter document: The value `$` stands for.
    public func values(in document: JSONValue) -> [JSONValue] {
        let evaluation = JSONPathEvaluation(root: document, paths: false, limit: .max, nodeLimit: .max)
        return JSONPathSegment.evaluate(segments, from: JSONPathLocatedValue(value: document, location: nil), in: evaluation).map(\.value)
    }

    /// The values of the nodes the query selects from `document`, in order, or an error once
    /// the evaluation has done `workLimit` units of work: one for each node a selector looks at
    /// or a descendant segment visits, and a string's length times a pattern's size for each
    /// `match` or `search`; and once a nodelist holds more than a tenth of `workLimit` nodes
    /// (at least ``defaultNodeLimit``). For queries and documents that others write: the cost of
    /// `$..*..*` grows with the square of the document's nodes, and a filter that walks `$` for
    /// every node does the same.
    /// - Parameters:
    ///   - document: The value `$` stands for.
    ///   - workLimit: The most work the evaluation may do.
    /// - Throws: ``JSONPathError`` with ``JSONPathError/Code-swift.struct/workLimitExceeded``
    ///   or ``JSONPathError/Code-swift.struct/nodeLimitExceeded``.
    public func values(in document: JSONValue, workLimit: Int) throws(JSONPathError) -> [JSONValue] {
        var work = workLimit
        return try values(in: document, work: &work, nodeLimit: Self.nodeLimit(forWork: workLimit))
    }

    /// ``values(in:workLimit:)`` on a budget shared with other evaluations: `work` is what is
    /// left of it, before and after; a nodelist may hold ``defaultNodeLimit`` nodes.
    /// - Throws: ``JSONPathError`` with ``JSONPathError/Code-swift.struct/workLimitExceeded``
    ///   once the budget is spent, or ``JSONPathError/Code-swift.struct/nodeLimitExceeded``.
    public func values(in document: JSONValue, work: inout Int) throws(JSONPathError) -> [JSONValue] {
        try values(in: document, work: &work, nodeLimit: Self.defaultNodeLimit)
    }

    private func values(in document: JSONValue, work: inout Int, nodeLimit: Int) throws(JSONPathError) -> [JSONValue] {
        let evaluation = JSONPathEvaluation(root: document, paths: false, limit: work, nodeLimit: nodeLimit)
        let values = JSONPathSegment.evaluate(segments, from: JSONPathLocatedValue(value: document, location: nil), in: evaluation)
        work = max(0, evaluation.remaining)
        guard !evaluation.isExhausted else { throw stopped(evaluation) }
        return values.map(\.value)
    }

    /// Why `evaluation` stopped: its work was spent, or a nodelist outgrew its node limit.
    private func stopped(_ evaluation: JSONPathEvaluation) -> JSONPathError {
        guard evaluation.isOverNodeLimit else {
            return JSONPathError(.workLimitExceeded, "the query \(query) needs more work than is left on this document", at: 0)
        }
        return JSONPathError(.nodeLimitExceeded, "the query \(query) selects more than \(evaluation.nodeLimit) nodes at once on this document", at: 0)
    }

    /// The query as written.
    public var description: String { query }

    /// Two queries are equal when they are written the same, scalar for scalar.
    public static func == (left: JSONPath, right: JSONPath) -> Bool {
        left.query.hasSameScalars(as: right.query)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(query)
    }
}
