// Filter expressions: `||`, `&&`, `!`, parentheses, comparisons, existence tests and function
// calls, checked for well-typedness (RFC 9535, section 2.4.3) as they are read.

import SwitchyardCore

extension JSONPathParser {
    /// What a term of a filter turned out to be, before the place it stands in says whether
    /// that is allowed there.
    enum Operand {
        case literal(JSONValue)
        case query(JSONPathFilterQuery)
        case valueFunction(JSONPathValueFunction, name: String)
        case logicalFunction(JSONPathLogicalFunction, name: String)
        case logical(JSONPathFilter)
    }

    /// An operand and the byte offset where it starts, for errors.
    struct Term {
        var operand: Operand
        var offset: Int
    }

    /// `logical-expr` after `?`.
    mutating func parseFilter() throws(JSONPathError) -> JSONPathFilter {
        try logical(try parseOr())
    }

    /// `logical-and-expr *(S "||" S logical-and-expr)`.
    private mutating func parseOr() throws(JSONPathError) -> Term {
        let first = try parseAnd()
        var alternatives: [JSONPathFilter] = []
        while consumeDoubled(UInt8(ascii: "|")) {
            if alternatives.isEmpty { alternatives.append(try logical(first)) }
            alternatives.append(try logical(try parseAnd()))
        }
        return alternatives.isEmpty ? first : Term(operand: .logical(.or(alternatives)), offset: first.offset)
    }

    /// `basic-expr *(S "&&" S basic-expr)`.
    private mutating func parseAnd() throws(JSONPathError) -> Term {
        let first = try parseBasic()
        var conditions: [JSONPathFilter] = []
        while consumeDoubled(UInt8(ascii: "&")) {
            if conditions.isEmpty { conditions.append(try logical(first)) }
            conditions.append(try logical(try parseBasic()))
        }
        return conditions.isEmpty ? first : Term(operand: .logical(.and(conditions)), offset: first.offset)
    }

    /// Skips `S || S` or `S && S` (the byte twice) when it follows; else reads nothing.
    private mutating func consumeDoubled(_ byte: UInt8) -> Bool {
        let save = index
        skipWhitespace()
        guard peek == byte, peekSecond == byte else {
            index = save
            return false
        }
        index += 2
        skipWhitespace()
        return true
    }

    /// `paren-expr / comparison-expr / test-expr`, or a bare literal, query or function call
    /// (a function's argument, or a mistake its place will name).
    private mutating func parseBasic() throws(JSONPathError) -> Term {
        let start = index
        if peek == UInt8(ascii: "!") {
            index += 1
            skipWhitespace()
            let negated = peek == UInt8(ascii: "(") ? try parseParenthesized() : try logical(try parsePrimary())
            if startsComparison {
                throw error(.syntax, "'!' negates a test or a parenthesized expression, not a comparison: write !(… == …)", at: start)
            }
            return Term(operand: .logical(.not(negated)), offset: start)
        }
        let left = peek == UInt8(ascii: "(") ? Term(operand: .logical(try parseParenthesized()), offset: start) : try parsePrimary()
        let save = index
        skipWhitespace()
        guard let comparison = parseComparisonOperator() else {
            if peek == UInt8(ascii: "=") { throw error(.syntax, "'=' compares nothing: write '=='") }
            index = save
            return left
        }
        let lhs = try comparable(left)
        skipWhitespace()
        let rhs = try comparable(try parsePrimary())
        return Term(operand: .logical(.comparison(lhs, comparison, rhs)), offset: start)
    }

    /// `"(" S logical-expr S ")"`.
    private mutating func parseParenthesized() throws(JSONPathError) -> JSONPathFilter {
        try enterNesting()
        index += 1
        skipWhitespace()
        let expression = try logical(try parseOr())
        skipWhitespace()
        guard peek == UInt8(ascii: ")") else { throw error(.syntax, "expected ')'") }
        index += 1
        depth -= 1
        return expression
    }

    /// Whether `S comparison-op` follows (nothing is read).
    private var startsComparison: Bool {
        var copy = self
        copy.skipWhitespace()
        return copy.parseComparisonOperator() != nil
    }

    /// `==`, `!=`, `<=`, `>=`, `<` or `>`, read when one is next.
    private mutating func parseComparisonOperator() -> JSONPathComparisonOperator? {
        let comparison: JSONPathComparisonOperator
        switch (peek, peekSecond) {
        case (UInt8(ascii: "="), UInt8(ascii: "=")): comparison = .equal
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): comparison = .notEqual
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): comparison = .lessOrEqual
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): comparison = .greaterOrEqual
        case (UInt8(ascii: "<"), _):
            index += 1
            return .less
        case (UInt8(ascii: ">"), _):
            index += 1
            return .greater
        default: return nil
        }
        index += 2
        return comparison
    }

    /// A literal, a query (`@…`, `$…`) or a function call.
    private mutating func parsePrimary() throws(JSONPathError) -> Term {
        let start = index
        guard let byte = peek else {
            throw error(.syntax, "expected a query, a literal or a function call, and the query ends")
        }
        switch byte {
        case UInt8(ascii: "@"), UInt8(ascii: "$"):
            let isAbsolute = byte == UInt8(ascii: "$")
            index += 1
            let query = JSONPathFilterQuery(isAbsolute: isAbsolute, segments: try parseSegments())
            return Term(operand: .query(query), offset: start)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return Term(operand: .literal(.string(try parseStringLiteral())), offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Term(operand: .literal(try parseNumber()), offset: start)
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
            while let byte = peek, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || Self.isDigit(byte) || byte == UInt8(ascii: "_") {
                index += 1
            }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            if peek == UInt8(ascii: "(") { return try parseFunctionCall(name, start: start) }
            switch name {
            case "true": return Term(operand: .literal(.bool(true)), offset: start)
            case "false": return Term(operand: .literal(.bool(false)), offset: start)
            case "null": return Term(operand: .literal(.null), offset: start)
            case _ where JSONPathFunctionName(rawValue: name) != nil:
                throw error(.syntax, "'(' must follow the function name \(name) at once")
            default:
                throw error(.syntax, "expected a query, a literal or a function call, not '\(name)'", at: start)
            }
        default:
            throw error(.syntax, "expected a query (@… or $…), a literal or a function call")
        }
    }

    /// `name "(" S [argument *(S "," S argument)] S ")"`, its arguments checked against the
    /// function's parameters.
    private mutating func parseFunctionCall(_ name: String, start: Int) throws(JSONPathError) -> Term {
        guard let function = JSONPathFunctionName(rawValue: name) else {
            throw error(.unknownFunction, "unknown function \(name)(); the functions are length, count, match, search and value", at: start)
        }
        try enterNesting()
        index += 1
        skipWhitespace()
        var arguments: [Term] = []
        if peek != UInt8(ascii: ")") {
            while true {
                arguments.append(try parseOr())
                skipWhitespace()
                guard peek == UInt8(ascii: ",") else { break }
                index += 1
                skipWhitespace()
            }
        }
        guard peek == UInt8(ascii: ")") else { throw error(.syntax, "expected ',' or ')'") }
        index += 1
        depth -= 1
        guard arguments.count == function.parameterCount else {
            let expected = function.parameterCount == 1 ? "1 argument" : "\(function.parameterCount) arguments"
            throw error(.notWellTyped, "\(name)() takes \(expected), not \(arguments.count)", at: start)
        }
        let operand: Operand
        switch function {
        case .length: operand = .valueFunction(.length(try valueArgument(arguments[0], of: name)), name: name)
        case .count: operand = .valueFunction(.count(try nodesArgument(arguments[0], of: name)), name: name)
        case .value: operand = .valueFunction(.value(try nodesArgument(arguments[0], of: name)), name: name)
        case .match:
            operand = .logicalFunction(
                .match(try valueArgument(arguments[0], of: name), try patternArgument(arguments[1], of: name)), name: name)
        case .search:
            operand = .logicalFunction(
                .search(try valueArgument(arguments[0], of: name), try patternArgument(arguments[1], of: name)), name: name)
        }
        return Term(operand: operand, offset: start)
    }

    // MARK: Types (RFC 9535, section 2.4.3)

    /// A term where a logical expression stands: a test, a logical function, or a logical
    /// expression itself.
    private func logical(_ term: Term) throws(JSONPathError) -> JSONPathFilter {
        switch term.operand {
        case .logical(let filter): return filter
        case .query(let query): return .exists(query)
        case .logicalFunction(let function, _): return .function(function)
        case .literal:
            throw error(.notWellTyped, "a literal can't stand alone; compare it (@.x == …)", at: term.offset)
        case .valueFunction(_, let name):
            throw error(.notWellTyped, "\(name)() gives a value, which must be compared (\(name)(…) == …)", at: term.offset)
        }
    }

    /// A term on either side of a comparison: a literal, a singular query or a function that
    /// gives a value.
    private func comparable(_ term: Term) throws(JSONPathError) -> JSONPathComparable {
        switch term.operand {
        case .literal(let value): return .literal(value)
        case .valueFunction(let function, _): return .function(function)
        case .query(let query):
            guard let singular = query.singular else {
                throw error(.notWellTyped, "a query in a comparison must be singular: one name or index per segment", at: term.offset)
            }
            return .query(singular)
        case .logicalFunction(_, let name):
            throw error(.notWellTyped, "\(name)() gives a logical result, which can't be compared", at: term.offset)
        case .logical:
            throw error(.notWellTyped, "a logical expression can't be compared", at: term.offset)
        }
    }

    /// An argument of a ValueType parameter: a literal, a singular query or a function that
    /// gives a value.
    private func valueArgument(_ term: Term, of function: String) throws(JSONPathError) -> JSONPathComparable {
        switch term.operand {
        case .literal(let value): return .literal(value)
        case .valueFunction(let inner, _): return .function(inner)
        case .query(let query):
            guard let singular = query.singular else {
                throw error(.notWellTyped, "\(function)() takes a value here: a singular query (one name or index per segment), a literal or a function", at: term.offset)
            }
            return .query(singular)
        case .logicalFunction(_, let name):
            throw error(.notWellTyped, "\(function)() takes a value here, and \(name)() gives a logical result", at: term.offset)
        case .logical:
            throw error(.notWellTyped, "\(function)() takes a value here, not a logical expression", at: term.offset)
        }
    }

    /// An argument of a NodesType parameter: a query.
    private func nodesArgument(_ term: Term, of function: String) throws(JSONPathError) -> JSONPathFilterQuery {
        guard case .query(let query) = term.operand else {
            throw error(.notWellTyped, "\(function)() takes a query (@… or $…)", at: term.offset)
        }
        return query
    }

    /// The pattern of `match` and `search`: compiled now when it is a literal.
    private func patternArgument(_ term: Term, of function: String) throws(JSONPathError) -> JSONPathPattern {
        let pattern = try valueArgument(term, of: function)
        if case .literal(let value) = pattern { return .literal(value.string.flatMap(IRegexp.init)) }
        return .computed(pattern)
    }
}
