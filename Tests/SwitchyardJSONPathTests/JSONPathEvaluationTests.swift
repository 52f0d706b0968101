// What queries select beyond the compliance suite: the order of object members, normalized
// paths, numbers of either representation, code-point string semantics, I-Regexp.

import SwitchyardCore
import SwitchyardJSONPath
import Testing

@Suite struct JSONPathEvaluationTests {
    static let store: JSONValue = [
        "store": [
            "book": [
                ["title": "Sayings", "price": 8.95, "category": "reference"],
                ["title": "Sword", "price": 12.99, "category": "fiction"],
                ["title": "Moby Dick", "price": 8, "isbn": "0-553-21311-3", "category": "fiction"],
            ],
            "bicycle": ["color": "red", "price": 399],
        ],
    ]

    @Test func aCompiledQueryGivesValuesAndNormalizedPaths() throws {
        let cheap = try JSONPath("$.store.book[?@.price < 10].title")
        #expect(cheap.values(in: Self.store) == ["Sayings", "Moby Dick"])
        #expect(cheap.evaluate(Self.store).map(\.path) == ["$['store']['book'][0]['title']", "$['store']['book'][2]['title']"])
        #expect(try JSONPath("$").evaluate(Self.store).map(\.path) == ["$"])
    }

    @Test func objectMembersComeSortedByName() throws {
        #expect(try JSONPath("$..price").values(in: Self.store) == [399, 8.95, 12.99, 8])
        let document: JSONValue = ["b": 2, "c": 3, "a": 1, "aa": 4]
        #expect(try JSONPath("$.*").evaluate(document).map(\.path) == ["$['a']", "$['aa']", "$['b']", "$['c']"])
        #expect(try JSONPath("$[?@ > 1]").values(in: document) == [4, 2, 3])
    }

    @Test func normalizedPathsEscapeTheWayRFC9535Says() throws {
        let name = "it's a \\ \u{08}\u{0C}\n\r\t \u{01}\u{1F} ☺"
        let nodes = try JSONPath("$.*").evaluate(.object([name: 1]))
        #expect(nodes.map(\.path) == ["$['it\\'s a \\\\ \\b\\f\\n\\r\\t \\u0001\\u001f ☺']"])
    }

    @Test func numbersCompareByValueWhateverTheirRepresentation() throws {
        let numbers: JSONValue = [.int(1), .double(1.0), .double(1.5), "1", .int(9_007_199_254_740_993)]
        #expect(try JSONPath("$[?@ == 1]").values(in: numbers) == [.int(1), .double(1.0)])
        #expect(try JSONPath("$[?@ == 1.0]").values(in: numbers) == [.int(1), .double(1.0)])
        #expect(try JSONPath("$[?@ > 1 && @ < 2]").values(in: numbers) == [.double(1.5)])
        // 2^53 + 1 is above 2^53, though converting it to a double would make it equal.
        #expect(try JSONPath("$[?@ > 9007199254740992.0]").values(in: numbers) == [.int(9_007_199_254_740_993)])
        #expect(try JSONPath("$[?@ == 9007199254740992.0]").values(in: numbers) == [])
        #expect(try JSONPath("$[?@ == 1e400 || @ < -1e400]").values(in: numbers) == [])
    }

    @Test func deepEqualityMixesRepresentations() throws {
        let document: JSONValue = [["a": [1, ["b": 2.0]], "b": [1.0, ["b": 2]]], ["a": [1], "b": [2]]]
        #expect(try JSONPath("$[?@.a == @.b]").values(in: document) == [document[0]!])
    }

    @Test func stringsAreCodePointsNotCanonicalEquivalents() throws {
        // Swift's String == treats these as equal; RFC 9535 names and strings don't.
        let document: JSONValue = .object(["e\u{301}": 1, "\u{212A}": 2])
        #expect(try JSONPath("$['\u{E9}']").values(in: document) == [])
        #expect(try JSONPath("$['e\u{301}']").values(in: document) == [1])
        #expect(try JSONPath("$.K").values(in: document) == [])
        #expect(try JSONPath("$[?@ == '\u{E9}']").values(in: ["e\u{301}"]) == [])
        // Code point order: U+00FF before U+0100, and 'Z' before 'a'.
        #expect(try JSONPath("$[?@ < 'a']").values(in: ["Z", "\u{FF}", "\u{100}", "a"]) == ["Z"])
        #expect(try JSONPath("$[?@ > '\u{FF}']").values(in: ["Z", "\u{FF}", "\u{100}", "a"]) == ["\u{100}"])
        #expect(try JSONPath("$[?length(@) == 1]").values(in: ["\u{1F600}", "e\u{301}"]) == ["\u{1F600}"])
    }

    @Test func iRegexpFeatures() throws {
        let words: JSONValue = ["abc", "ABC", "a\nb", "a\rb", "a\u{2028}b", "x1y", "a-b", "ab^", "a$"]
        func match(_ pattern: String) throws -> [JSONValue] { try JSONPath("$[?match(@, '\(pattern)')]").values(in: words) }
        func search(_ pattern: String) throws -> [JSONValue] { try JSONPath("$[?search(@, '\(pattern)')]").values(in: words) }
        #expect(try match("a.b") == ["a\u{2028}b", "a-b"])
        #expect(try match("[a-c]+") == ["abc"])
        #expect(try match("[^a-z]+") == ["ABC"])
        #expect(try match("\\\\p{Lu}{3}") == ["ABC"])
        #expect(try match("x\\\\p{Nd}y") == ["x1y"])
        #expect(try match("a[\\\\-]b") == ["a-b"])
        #expect(try match("a[-x]b|a[x-]b") == ["a-b"])
        #expect(try match("(ab|AB)(c|C)") == ["abc", "ABC"])
        #expect(try match("a{1,2}b{0}c?") == [])
        #expect(try match("[a-c]{3}") == ["abc"])
        #expect(try match("ab\\\\^") == ["ab^"])
        #expect(try match("a[$]") == ["a$"])
        #expect(try search("^[A-Z]") == ["ABC"])
        #expect(try search("c$") == ["abc"])
        #expect(try search("\\\\n") == ["a\nb"])
        #expect(try search("") == words.array)
        // Not I-Regexp: false, not an error.
        for pattern in ["\\\\d", "\\\\w", "[]", "[^]", "a{2,1}", "a**", "(?:a)", "a{,2}", "[b-a]", "\\\\p{IsBasicLatin}", "\\\\$", "(", ")"] {
            #expect(try match(pattern) == [], "\(pattern)")
            #expect(try search(pattern) == [], "\(pattern)")
        }
    }

    @Test func singularQueries() throws {
        #expect(try JSONPath("$").isSingular)
        #expect(try JSONPath("$.a['b'][0][-1]").isSingular)
        #expect(try !JSONPath("$.a.*").isSingular)
        #expect(try !JSONPath("$..a").isSingular)
        #expect(try !JSONPath("$[0,1]").isSingular)
        #expect(try !JSONPath("$[0:1]").isSingular)
    }

    @Test func queriesAreEqualWhenWrittenAlike() throws {
        #expect(try JSONPath("$.a") == JSONPath("$.a"))
        #expect(try JSONPath("$.a") != JSONPath("$['a']"))
        #expect(try JSONPath("$['\u{E9}']") != JSONPath("$['e\u{301}']"))
        #expect(try Set([JSONPath("$.a"), JSONPath("$.a"), JSONPath("$.b")]).count == 2)
        #expect(try JSONPath("$.a[?@ > 1]").description == "$.a[?@ > 1]")
    }
}
