// One run of a query over a document: the document, whether paths are kept, and the work it may
// still do.

import SwitchyardCore

/// The state of one evaluation, passed down through segments, selectors and filters.
///
/// A query's cost is not bounded by its length or the document's size alone: `$..*..*` visits
/// every node below every node, and `$..[?count($..*) > 0]` walks the whole document once per
/// node, so an 800-byte document or a 300 KB one can keep a thread busy for minutes. Each node
/// a selector looks at, each node a descendant segment visits, and each scalar an I-Regexp
/// steps over (times its program's size) costs work; once the work passes the limit, every loop
/// stops and the caller reports ``JSONPathError/Code-swift.struct/workLimitExceeded``.
///
/// Work bounds time, not memory: seven `[*,*,*,*,*,*,*,*,*,*]` segments over an array nested
/// eight deep multiply a 40-byte document into ten million nodes held at once (about 600 MB)
/// within the work. So a nodelist may also hold at most `nodeLimit` nodes; past it the
/// evaluation stops the same way.
final class JSONPathEvaluation {
    /// The document (`$`).
    let root: JSONValue
    /// Whether each node keeps its location.
    private(set) var paths: Bool
    /// The work left; below zero once the limit is passed.
    private(set) var remaining: Int

    /// The most nodes one nodelist may hold.
    let nodeLimit: Int
    /// Whether the evaluation stopped because a nodelist passed ``nodeLimit``.
    private(set) var isOverNodeLimit = false

    /// Starts an evaluation of `root` that may do `limit` units of work and hold `nodeLimit`
    /// nodes in a nodelist.
    init(root: JSONValue, paths: Bool, limit: Int, nodeLimit: Int) {
        self.root = root
        self.paths = paths
        remaining = limit
        self.nodeLimit = nodeLimit
    }

    /// Runs `body` (a query inside a filter, whose nodes' locations nobody reads) with
    /// locations off, on the same work budget.
    func withoutPaths<T>(_ body: () -> T) -> T {
        let kept = paths
        paths = false
        defer { paths = kept }
        return body()
    }

    /// Whether the limit was passed: what the evaluation returns is then incomplete.
    var isExhausted: Bool { remaining < 0 }

    /// Stops the evaluation when a nodelist of `count` nodes is more than it may hold.
    /// - Returns: Whether the evaluation may go on.
    @discardableResult
    func admit(nodes count: Int) -> Bool {
        guard count > nodeLimit else { return true }
        isOverNodeLimit = true
        remaining = -1
        return false
    }

    /// Counts `units` of work.
    /// - Returns: Whether the evaluation may go on.
    @discardableResult
    func charge(_ units: Int) -> Bool {
        remaining = remaining &- max(0, units)
        return remaining >= 0
    }
}
