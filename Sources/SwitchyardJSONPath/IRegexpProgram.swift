// The instructions an I-Regexp compiles to, for the matcher in IRegexp.swift.

/// A nondeterministic automaton as a list of instructions (Russ Cox's "Regular Expression
/// Matching: the Virtual Machine Approach", without captures).
struct IRegexpProgram: Sendable {
    enum Instruction: Sendable {
        /// Consume this scalar.
        case scalar(Unicode.Scalar)
        /// Consume a scalar of `sets[index]`.
        case set(Int)
        /// Go on at both.
        case split(Int, Int)
        case jump(Int)
        /// Go on only at the start of the string.
        case assertStart
        /// Go on only at the end of the string.
        case assertEnd
        case match
    }

    var instructions: [Instruction] = []
    var sets: [IRegexpCharacterClass] = []
}
