// The public JSONPath API triggers rely on: one value by query, I-Regexp outside queries, and
// RFC 9535 comparisons of two values.

import SwitchyardCore
import SwitchyardJSONPath
import Testing

@Suite struct JSONPathForTriggersTests {
    static let document: JSONValue = ["user": ["tier": "gold", "tags": ["vip", "new"]], "nothing": nil, "one": [["id": 1]]]

    @Test func aSingularQueryGivesItsOneValueOrNone() throws {
        #expect(try JSONPath("$.user.tier").value(in: Self.document) == "gold")
        #expect(try JSONPath("$.user.tags[-1]").value(in: Self.document) == "new")
        #expect(try JSONPath("$['user']['tags'][0]").value(in: Self.document) == "vip")
        #expect(try JSONPath("$").value(in: "whole") == "whole")
        #expect(try JSONPath("$.nothing").value(in: Self.document) == .some(.null))
        #expect(try JSONPath("$.missing").value(in: Self.document) == .none)
        #expect(try JSONPath("$.user.tier.length").value(in: Self.document) == .none)
        #expect(try JSONPath("$.user.tags[2]").value(in: Self.document) == .none)
    }

    @Test func anyOtherQueryGivesAValueOnlyWhenItSelectsExactlyOneNode() throws {
        #expect(try JSONPath("$.one[*].id").value(in: Self.document) == 1)
        #expect(try JSONPath("$.user.tags[*]").value(in: Self.document) == .none)
        #expect(try JSONPath("$..nope").value(in: Self.document) == .none)
        #expect(try JSONPath("$.user.tags[?@ == 'new']").value(in: Self.document) == "new")
    }

    @Test func aRegularExpressionMatchesWholeStringsOrSearchesThem() throws {
        let refund = try #require(JSONPathRegularExpression("refund|cancel"))
        #expect(refund.pattern == "refund|cancel")
        #expect(refund.occurs(in: "I want a refund"))
        #expect(!refund.matches("I want a refund"))
        #expect(refund.matches("cancel"))
        #expect(!refund.occurs(in: "Refund"))
        let anchored = try #require(JSONPathRegularExpression("^refund"))
        #expect(anchored.occurs(in: "refund now"))
        #expect(!anchored.occurs(in: "a refund"))
        #expect(JSONPathRegularExpression("(refund") == nil)
        #expect(JSONPathRegularExpression("a{2,1}") == nil)
        #expect(JSONPathRegularExpression("(a{1000}){1000}") == nil, "too large to compile")
    }

    @Test func valuesCompareAsRFC9535Says() {
        #expect(JSONValue.int(1).isJSONPathEqual(to: .double(1.0)))
        #expect(!JSONValue.int(1).isJSONPathEqual(to: "1"))
        #expect(!JSONValue.string("e\u{301}").isJSONPathEqual(to: "\u{E9}"))
        #expect(JSONValue.object(["a": [1, 2.5]]).isJSONPathEqual(to: ["a": [1.0, 2.5]]))
        #expect(JSONValue.null.isJSONPathEqual(to: .null))
        #expect(JSONValue.int(2).isJSONPathLess(than: .double(2.5)))
        #expect(!JSONValue.double(2.0).isJSONPathLess(than: .int(2)))
        #expect(JSONValue.string("Z").isJSONPathLess(than: "a"))
        #expect(JSONValue.string("\u{E9}").isJSONPathLess(than: "\u{FB01}"))
        #expect(!JSONValue.int(1).isJSONPathLess(than: "2"))
        #expect(!JSONValue.bool(false).isJSONPathLess(than: true))
    }
}
