// Hostile queries and documents: deep nesting, huge numbers, patterns built to make a
// backtracking matcher explode. Each gives an answer or an error, never a crash or a hang.

import SwitchyardCore
import SwitchyardJSONPath
import Testing

@Suite(.timeLimit(.minutes(1))) struct JSONPathLimitTests {
    static let deep = 10_000

    @Test func tenThousandOpeningBracketsAreASyntaxError() {
        #expect(JSONPathErrorTests.error("$" + String(repeating: "[", count: Self.deep))?.code == .syntax)
    }

    @Test func tenThousandParenthesesAreTooDeep() {
        let query = "$[?" + String(repeating: "(", count: Self.deep) + "@" + String(repeating: ")", count: Self.deep) + "]"
        let error = JSONPathErrorTests.error(query)
        #expect(error?.code == .nestingTooDeep)
        #expect(error?.position == 3 + JSONPath.maximumNestingDepth - 1)
    }

    @Test func tenThousandNestedFiltersAreTooDeep() {
        let query = "$" + String(repeating: "[?@", count: Self.deep) + String(repeating: "]", count: Self.deep)
        #expect(JSONPathErrorTests.error(query)?.code == .nestingTooDeep)
    }

    @Test func tenThousandNestedFunctionCallsAreTooDeep() {
        let query = "$[?" + String(repeating: "length(", count: Self.deep) + "@" + String(repeating: ")", count: Self.deep) + " > 0]"
        #expect(JSONPathErrorTests.error(query)?.code == .nestingTooDeep)
    }

    @Test func theDeepestQueryAllowedCompilesAndRuns() throws {
        let depth = JSONPath.maximumNestingDepth
        // Filters nested to the limit, over arrays nested as deep: each level selects its array.
        let filters = try JSONPath("$" + String(repeating: "[?@", count: depth) + String(repeating: "]", count: depth))
        var document: JSONValue = [1]
        for _ in 0..<depth { document = .array([document]) }
        #expect(filters.values(in: document).count == 1)
        let parentheses = try JSONPath("$[?" + String(repeating: "(", count: depth - 1) + "@" + String(repeating: ")", count: depth - 1) + "]")
        #expect(parentheses.values(in: [1, 2]) == [1, 2])
    }

    @Test func aDescendantSegmentWalksAVeryDeepDocument() throws {
        var document: JSONValue = "bottom"
        for _ in 0..<Self.deep { document = .array([document]) }
        let values = try JSONPath("$..*").values(in: document)
        #expect(values.count == Self.deep)
        #expect(values.last == "bottom")
        // With paths (their total length grows with the square of the depth, so less deep).
        var shallower: JSONValue = "bottom"
        for _ in 0..<1000 { shallower = .array([shallower]) }
        #expect(try JSONPath("$..*").evaluate(shallower).last?.path == "$" + String(repeating: "[0]", count: 1000))
    }

    @Test func extremeIndicesAndSlicesClamp() throws {
        let array: JSONValue = [0, 1, 2, 3]
        #expect(try JSONPath("$[9007199254740991]").values(in: array) == [])
        #expect(try JSONPath("$[-9007199254740991]").values(in: array) == [])
        #expect(try JSONPath("$[-9007199254740991:9007199254740991:9007199254740991]").values(in: array) == [0])
        #expect(try JSONPath("$[9007199254740991:-9007199254740991:-9007199254740991]").values(in: array) == [3])
        #expect(try JSONPath("$[::-1]").values(in: array) == [3, 2, 1, 0])
    }

    @Test func patternsThatMakeBacktrackersExplodeRunInLinearTime() throws {
        let long = JSONValue.string(String(repeating: "a", count: 20_000))
        for pattern in ["(a*)*b", "(a|a)*b", "(a|aa)*c", "(a+)+b", "((a*)*)*$b"] {
            #expect(try JSONPath("$[?match(@, '\(pattern)')]").values(in: [long]) == [], "\(pattern)")
            #expect(try JSONPath("$[?search(@, '\(pattern)')]").values(in: [long]) == [], "\(pattern)")
        }
        #expect(try JSONPath("$[?match(@, '(a*)*')]").values(in: [long]) == [long])
    }

    @Test func patternsTooLargeOrTooDeepAreFalse() throws {
        let deepGroups = String(repeating: "(", count: Self.deep) + "a" + String(repeating: ")", count: Self.deep)
        let document: JSONValue = ["values": ["a"], "patterns": [.string(deepGroups), "(a{1000}){1000}", "a{1001}"]]
        let query = try JSONPath("$.values[?match(@, $.patterns[0]) || match(@, $.patterns[1]) || match(@, $.patterns[2])]")
        #expect(query.values(in: document) == [])
    }

    /// 400 arrays inside each other: 802 bytes.
    static let chain = (0..<400).reduce(JSONValue.int(0)) { inner, _ in .array([inner]) }
    /// 20,000 two-element arrays: about 300 KB, 60,000 nodes.
    static let wide = JSONValue.array((0..<20_000).map { .array([.int(Int64($0)), .int(Int64($0))]) })

    @Test func queriesWhoseWorkGrowsWithTheSquareOfTheDocumentStopAtTheWorkLimit() throws {
        // 10.7 million nodes from 802 bytes (a million of them are more than a nodelist may
        // hold), and 60,000 walks of 60,000 nodes.
        for (query, document, code) in [
            ("$..*..*..*", Self.chain, JSONPathError.Code.nodeLimitExceeded), ("$..[?count($..*) > 0]", Self.wide, .workLimitExceeded),
        ] {
            let error = #expect(throws: JSONPathError.self, "\(query)") {
                try JSONPath(query).values(in: document, workLimit: JSONPath.defaultWorkLimit)
            }
            #expect(error?.code == code && error?.position == 0, "\(error.map { "\($0)" } ?? "")")
        }
        let small = #expect(throws: JSONPathError.self) { try JSONPath("$..*..*").values(in: Self.chain, workLimit: 1_000) }
        #expect(small?.message == "the query $..*..* needs more work than is left on this document")
        #expect(try JSONPath("$..*").values(in: Self.wide, workLimit: JSONPath.defaultWorkLimit).count == 60_000, "one pass is far below it")
        #expect(try JSONPath("$..*..*").values(in: Self.chain, workLimit: JSONPath.defaultWorkLimit).count == 79_800, "and so are 80,000 nodes")
        #expect(try JSONPath("$[1][0]").values(in: Self.wide, workLimit: 10) == [1])
    }

    /// 40 bytes, nested eight deep: seven segments of ten wildcards multiply it into ten million
    /// nodes, about 600 MB held at once, within the work limit's reach.
    static let nestedEightDeep = (0..<8).reduce(JSONValue.int(0)) { inner, _ in .array([inner]) }

    @Test func aNodelistStopsAtTheNodeLimitWhereWorkAloneWouldHoldTenMillionNodes() throws {
        let tenWildcards = "[" + Array(repeating: "*", count: 10).joined(separator: ",") + "]"
        let product = try JSONPath("$" + String(repeating: tenWildcards, count: 7))
        let errors = [
            #expect(throws: JSONPathError.self) { try product.values(in: Self.nestedEightDeep, workLimit: JSONPath.defaultWorkLimit) },
            #expect(throws: JSONPathError.self) { try product.evaluate(Self.nestedEightDeep, workLimit: JSONPath.defaultWorkLimit) },
            #expect(throws: JSONPathError.self) {
                var work = JSONPath.defaultWorkLimit
                return try product.values(in: Self.nestedEightDeep, work: &work)
            },
        ]
        for error in errors {
            #expect(error?.code == .nodeLimitExceeded, "\(error.map { "\($0)" } ?? "")")
            #expect(error?.message.hasSuffix("selects more than 1000000 nodes at once on this document") == true)
        }
        let sixSegments = try JSONPath("$" + String(repeating: tenWildcards, count: 6))
        #expect(try sixSegments.values(in: Self.nestedEightDeep, workLimit: JSONPath.defaultWorkLimit).count == 1_000_000, "a million is allowed")
        let fiveWildcards = "[" + Array(repeating: "*", count: 5).joined(separator: ",") + "]"
        let nestedNineDeep = JSONValue.array([Self.nestedEightDeep])
        let nine = try JSONPath("$" + String(repeating: fiveWildcards, count: 9))
        #expect(throws: JSONPathError.self, "5^9 is almost two million nodes") {
            try nine.values(in: nestedNineDeep, workLimit: JSONPath.defaultWorkLimit)
        }
        #expect(try nine.values(in: nestedNineDeep, workLimit: 30_000_000).count == 1_953_125, "a tenth of a larger work limit raises it")
    }

    @Test func aPatternStepsOverAStringAtTheCostOfBoth() throws {
        let long = JSONValue.string(String(repeating: "a", count: 200_000))
        let query = try JSONPath("$[?match(@, 'a{1000}b')]")
        #expect(throws: JSONPathError.self) { try query.values(in: [long, long, long, long, long, long], workLimit: JSONPath.defaultWorkLimit) }
        #expect(try query.values(in: ["aab"], workLimit: 10_000) == [])
        var work = 1_000_000
        #expect(try JSONPath("$[?search(@, 'b')]").values(in: ["ab", "cd"], work: &work) == ["ab"])
        #expect(work < 1_000_000 && work > 999_900, "charged for two candidates and four scalars: \(work) left")
    }
}
