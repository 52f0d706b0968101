// The syntax tree of an I-Regexp, and its translation into the matcher's instructions
// (Thompson's construction).

/// A parsed I-Regexp.
indirect enum IRegexpNode {
    case empty
    case scalar(Unicode.Scalar)
    case set(IRegexpCharacterClass)
    /// `^`: the start of the string.
    case start
    /// `$`: the end of the string.
    case end
    case sequence([IRegexpNode])
    case alternation([IRegexpNode])
    /// `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`; `maximum` nil is unbounded.
    case repetition(IRegexpNode, minimum: Int, maximum: Int?)

    /// Appends this node's instructions to `program`.
    /// - Returns: false when the program would grow past ``IRegexp/maximumProgramSize``
    ///   (`(a{1000}){1000}`), so the pattern is refused instead.
    func emit(into program: inout IRegexpProgram) -> Bool {
        guard program.instructions.count <= IRegexp.maximumProgramSize else { return false }
        switch self {
        case .empty:
            return true
        case .scalar(let scalar):
            program.instructions.append(.scalar(scalar))
        case .set(let set):
            program.instructions.append(.set(program.sets.count))
            program.sets.append(set)
        case .start:
            program.instructions.append(.assertStart)
        case .end:
            program.instructions.append(.assertEnd)
        case .sequence(let nodes):
            return nodes.allSatisfy { $0.emit(into: &program) }
        case .alternation(let branches):
            var exits: [Int] = []
            for branch in branches.dropLast() {
                let split = program.instructions.count
                program.instructions.append(.split(split + 1, 0))
                guard branch.emit(into: &program) else { return false }
                exits.append(program.instructions.count)
                program.instructions.append(.jump(0))
                program.instructions[split] = .split(split + 1, program.instructions.count)
            }
            guard branches.last?.emit(into: &program) ?? true else { return false }
            for exit in exits { program.instructions[exit] = .jump(program.instructions.count) }
        case .repetition(let node, let minimum, let maximum):
            for _ in 0..<minimum {
                guard node.emit(into: &program) else { return false }
            }
            guard let maximum else {
                // e*: L: split(L+1, out); e; jump L; out:
                let loop = program.instructions.count
                program.instructions.append(.split(loop + 1, 0))
                guard node.emit(into: &program) else { return false }
                program.instructions.append(.jump(loop))
                program.instructions[loop] = .split(loop + 1, program.instructions.count)
                return program.instructions.count <= IRegexp.maximumProgramSize
            }
            // Each optional copy: split(next, out); e; … out:
            var splits: [Int] = []
            for _ in minimum..<maximum {
                splits.append(program.instructions.count)
                program.instructions.append(.split(0, 0))
                guard node.emit(into: &program) else { return false }
            }
            for split in splits { program.instructions[split] = .split(split + 1, program.instructions.count) }
        }
        return program.instructions.count <= IRegexp.maximumProgramSize
    }
}
