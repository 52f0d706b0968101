// The set of live automaton states while a string is matched: constant-time insert, test and
// clear (a sparse set).

/// States of an ``IRegexpProgram``, each at most once, in insertion order.
struct IRegexpStateSet {
    private var dense: [Int]
    private var sparse: [Int]
    private var count = 0
    /// Whether the `match` state is among them.
    var hasMatched = false

    init(capacity: Int) {
        dense = Array(repeating: 0, count: capacity)
        sparse = Array(repeating: 0, count: capacity)
    }

    var isEmpty: Bool { count == 0 }

    /// The states, in the order they were added.
    var states: ArraySlice<Int> { dense[..<count] }

    /// Adds `state`; false when it was there already.
    mutating func insert(_ state: Int) -> Bool {
        let slot = sparse[state]
        if slot < count, dense[slot] == state { return false }
        sparse[state] = count
        dense[count] = state
        count += 1
        return true
    }

    mutating func removeAll() {
        count = 0
        hasMatched = false
    }
}
