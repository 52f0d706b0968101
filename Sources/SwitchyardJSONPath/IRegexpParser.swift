// Reads an I-Regexp (RFC 9485, section 3) into a syntax tree, or says it isn't one.

/// A parser of one pattern; `parse()` is nil for anything outside the I-Regexp grammar.
struct IRegexpParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    /// The deepest that groups may nest.
    static let maximumDepth = 64
    /// The largest bound a range quantifier may give (`{0,1000}`).
    static let maximumRepetition = 1000

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    /// The whole pattern, nil when it is not I-Regexp.
    mutating func parse() -> IRegexpNode? {
        guard let node = parseAlternation(depth: 0), index == scalars.count else { return nil }
        return node
    }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    /// `branch *( "|" branch )`.
    private mutating func parseAlternation(depth: Int) -> IRegexpNode? {
        guard var branch = parseBranch(depth: depth) else { return nil }
        var branches: [IRegexpNode] = []
        while peek == "|" {
            index += 1
            branches.append(branch)
            guard let next = parseBranch(depth: depth) else { return nil }
            branch = next
        }
        return branches.isEmpty ? branch : .alternation(branches + [branch])
    }

    /// `*piece`, up to `|`, `)` or the end.
    private mutating func parseBranch(depth: Int) -> IRegexpNode? {
        var pieces: [IRegexpNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            guard let piece = parsePiece(depth: depth) else { return nil }
            pieces.append(piece)
        }
        return pieces.count == 1 ? pieces[0] : pieces.isEmpty ? .empty : .sequence(pieces)
    }

    /// `atom [ quantifier ]`.
    private mutating func parsePiece(depth: Int) -> IRegexpNode? {
        guard let atom = parseAtom(depth: depth) else { return nil }
        switch peek {
        case "*":
            index += 1
            return .repetition(atom, minimum: 0, maximum: nil)
        case "+":
            index += 1
            return .repetition(atom, minimum: 1, maximum: nil)
        case "?":
            index += 1
            return .repetition(atom, minimum: 0, maximum: 1)
        case "{":
            index += 1
            guard let minimum = parseQuantity() else { return nil }
            var maximum: Int? = minimum
            if peek == "," {
                index += 1
                maximum = peek == "}" ? nil : parseQuantity()
                if maximum == nil, peek != "}" { return nil }
            }
            guard peek == "}", maximum.map({ $0 >= minimum }) ?? true else { return nil }
            index += 1
            return .repetition(atom, minimum: minimum, maximum: maximum)
        default:
            return atom
        }
    }

    /// `QuantExact`: decimal digits, at most ``maximumRepetition``.
    private mutating func parseQuantity() -> Int? {
        var value = 0
        let start = index
        while let scalar = peek, ("0"..."9").contains(scalar) {
            value = value * 10 + Int(scalar.value - 0x30)
            guard value <= Self.maximumRepetition else { return nil }
            index += 1
        }
        return index > start ? value : nil
    }

    /// `NormalChar / charClass / ( "(" i-regexp ")" )`, and `^` and `$` as anchors.
    private mutating func parseAtom(depth: Int) -> IRegexpNode? {
        guard let scalar = peek else { return nil }
        index += 1
        switch scalar {
        case "(":
            guard depth < Self.maximumDepth, let inner = parseAlternation(depth: depth + 1), peek == ")" else { return nil }
            index += 1
            return inner
        case ".":
            return .set(.dot)
        case "^":
            return .start
        case "$":
            return .end
        case "[":
            return parseClassExpression().map(IRegexpNode.set)
        case "\\":
            if peek == "p" || peek == "P" { return parseCategoryEscape().map(IRegexpNode.set) }
            return parseSingleCharacterEscape().map(IRegexpNode.scalar)
        case "*", "+", "?", "{", "}", "]", ")", "|":
            return nil
        default:
            return .scalar(scalar)
        }
    }

    /// After `\`: one of `( ) * + - . ? [ \ ] ^ n r t { | }`.
    private mutating func parseSingleCharacterEscape() -> Unicode.Scalar? {
        guard let scalar = peek else { return nil }
        index += 1
        switch scalar {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "(", ")", "*", "+", "-", ".", "?", "[", "\\", "]", "^", "{", "|", "}": return scalar
        default: return nil
        }
    }

    /// After `\`: `p{Name}` or `P{Name}`.
    private mutating func parseCategoryEscape() -> IRegexpCharacterClass? {
        let isNegated = peek == "P"
        index += 1
        guard peek == "{" else { return nil }
        index += 1
        var name = ""
        while let scalar = peek, scalar != "}" {
            name.unicodeScalars.append(scalar)
            index += 1
        }
        guard peek == "}", let members = IRegexpCharacterClass.category(named: name) else { return nil }
        index += 1
        return IRegexpCharacterClass(categories: [.init(members: members, isNegated: isNegated)])
    }

    /// After `[`: `[ "^" ] ( "-" / CCE1 ) *CCE1 [ "-" ] "]"`.
    private mutating func parseClassExpression() -> IRegexpCharacterClass? {
        var set = IRegexpCharacterClass()
        if peek == "^" {
            set.isNegated = true
            index += 1
        }
        if peek == "-" {
            set.ranges.append(0x2D...0x2D)
            index += 1
        }
        while let scalar = peek {
            switch scalar {
            case "]":
                guard !set.ranges.isEmpty || !set.categories.isEmpty else { return nil }
                index += 1
                return set
            case "-":
                // Only as the last character.
                guard index + 1 < scalars.count, scalars[index + 1] == "]" else { return nil }
                set.ranges.append(0x2D...0x2D)
                index += 1
            case "\\" where index + 1 < scalars.count && (scalars[index + 1] == "p" || scalars[index + 1] == "P"):
                index += 1
                guard let category = parseCategoryEscape() else { return nil }
                set.categories += category.categories
            default:
                guard let low = parseClassCharacter() else { return nil }
                var high = low
                if peek == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                    index += 1
                    guard let end = parseClassCharacter(), end.value >= low.value else { return nil }
                    high = end
                }
                set.ranges.append(low.value...high.value)
            }
        }
        return nil
    }

    /// `CCchar`: any character but `-`, `[`, `\` and `]`, or a single-character escape.
    private mutating func parseClassCharacter() -> Unicode.Scalar? {
        guard let scalar = peek else { return nil }
        index += 1
        switch scalar {
        case "\\": return parseSingleCharacterEscape()
        case "-", "[", "]": return nil
        default: return scalar
        }
    }
}
