// Where a NUL character sits in a JSON value: the path a 422 names, and nil for a storable value.

import SwitchyardCore
import Testing

@Suite struct JSONValueNULTests {
    @Test func aValueWithoutNULHasNoPath() {
        let value = JSONValue.object([
            "name": .string("a b"), "items": .array([.int(1), .string(""), .object(["k": .null])]), "flag": .bool(true),
        ])
        #expect(!value.containsNUL)
        #expect(value.pathOfNUL(from: "body") == nil)
    }

    @Test func thePathNamesTheFirstNULInMemberNameOrder() {
        let value = JSONValue.object([
            "b": .string("x\u{0}"),
            "a": .object(["list": .array([.string("ok"), .object(["z": .string("\u{0}")])])]),
        ])
        #expect(value.containsNUL)
        #expect(value.pathOfNUL(from: "body") == "body.a.list[1].z")
        #expect(value.pathOfNUL(from: "") == "a.list[1].z")
        #expect(JSONValue.object(["b": .string("x\u{0}")]).pathOfNUL(from: "") == "b")
    }

    @Test func aNULInAMemberNameOrAStringAtTheRootIsFound() {
        #expect(JSONValue.object(["a": .object(["k\u{0}": .int(1)])]).pathOfNUL(from: "input") == "input.a.k\u{0}")
        #expect(JSONValue.string("\u{0}").pathOfNUL(from: "output") == "output")
        #expect(JSONValue.array([.null, .string("\u{0}")]).pathOfNUL(from: "output") == "output[1]")
    }
}
