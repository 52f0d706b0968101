// I-Regexp (RFC 9485) for match() and search(): compiled to an automaton and run by
// simulation, so matching takes time linear in the string whatever the pattern (no
// backtracking a tenant's pattern could make explode).

/// A compiled I-Regexp.
struct IRegexp: Sendable {
    /// The most instructions a pattern may compile to; range quantifiers copy their atom, so
    /// `(a{1000}){1000}` is refused rather than built.
    static let maximumProgramSize = 10_000

    private let program: IRegexpProgram

    /// How many instructions the pattern compiled to: the states a step over one scalar may
    /// visit.
    var size: Int { program.instructions.count }

    /// Compiles `pattern`; nil when it is not I-Regexp (or compiles past
    /// ``maximumProgramSize``).
    init?(_ pattern: String) {
        var parser = IRegexpParser(pattern)
        var program = IRegexpProgram()
        guard let node = parser.parse(), node.emit(into: &program) else { return nil }
        program.instructions.append(.match)
        self.program = program
    }

    /// Whether the pattern matches all of `text` (`match()`).
    func matches(_ text: String) -> Bool {
        run(text, anywhere: false)
    }

    /// Whether the pattern matches some substring of `text` (`search()`).
    func occurs(in text: String) -> Bool {
        run(text, anywhere: true)
    }

    /// Steps every live state over `text` one scalar at a time. `anywhere`: a match may start
    /// at any position and end anywhere; else it spans the whole string.
    private func run(_ text: String, anywhere: Bool) -> Bool {
        let scalars = text.unicodeScalars
        var current = IRegexpStateSet(capacity: program.instructions.count)
        var next = IRegexpStateSet(capacity: program.instructions.count)
        var pending: [Int] = []
        var position = scalars.startIndex
        add(0, to: &current, atStart: true, atEnd: position == scalars.endIndex, pending: &pending)
        while true {
            if current.hasMatched, anywhere || position == scalars.endIndex { return true }
            guard position != scalars.endIndex, anywhere || !current.isEmpty else { return false }
            let scalar = scalars[position]
            position = scalars.index(after: position)
            let atEnd = position == scalars.endIndex
            next.removeAll()
            for state in current.states {
                let consumes: Bool
                switch program.instructions[state] {
                case .scalar(let expected): consumes = expected == scalar
                case .set(let set): consumes = program.sets[set].contains(scalar)
                case .split, .jump, .assertStart, .assertEnd, .match: consumes = false
                }
                if consumes { add(state + 1, to: &next, atStart: false, atEnd: atEnd, pending: &pending) }
            }
            if anywhere { add(0, to: &next, atStart: false, atEnd: atEnd, pending: &pending) }
            swap(&current, &next)
        }
    }

    /// Adds `state` and every state reachable from it without consuming a scalar.
    private func add(_ state: Int, to set: inout IRegexpStateSet, atStart: Bool, atEnd: Bool, pending: inout [Int]) {
        pending.append(state)
        while let state = pending.popLast() {
            guard set.insert(state) else { continue }
            switch program.instructions[state] {
            case .jump(let target): pending.append(target)
            case .split(let first, let second):
                pending.append(second)
                pending.append(first)
            case .assertStart: if atStart { pending.append(state + 1) }
            case .assertEnd: if atEnd { pending.append(state + 1) }
            case .match: set.hasMatched = true
            case .scalar, .set: break
            }
        }
    }
}
