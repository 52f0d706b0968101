// Refused queries: the kind of mistake, its message and its position, counted in Unicode
// scalars from the `$`.

import SwitchyardJSONPath
import Testing

@Suite struct JSONPathErrorTests {
    /// The error `query` is refused with; a failure when it compiles.
    static func error(_ query: String) -> JSONPathError? {
        do {
            _ = try JSONPath(query)
            Issue.record("\(query) compiled")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("", 0, JSONPathError.Code.syntax),
        (" $", 0, .syntax),
        ("$ ", 1, .syntax),
        ("$.a b", 4, .syntax),
        ("$.a[", 4, .syntax),
        ("$[1 2]", 4, .syntax),
        ("$[]", 2, .syntax),
        ("$. a", 2, .syntax),
        ("$..", 3, .syntax),
        ("$.1", 2, .syntax),
        ("$[01]", 2, .syntax),
        ("$[-0]", 2, .syntax),
        ("$[1:2:a]", 6, .syntax),
        ("$[9007199254740992]", 2, .integerOutOfRange),
        ("$[::-9007199254740992]", 4, .integerOutOfRange),
        ("$['abc", 6, .syntax),
        ("$[\"\\uD800\"]", 3, .syntax),
        ("$[\"a\\x\"]", 4, .syntax),
        ("$[?@.a == 1.]", 12, .syntax),
        ("$[?@.a = 1]", 7, .syntax),
        ("$[?@.a == True]", 10, .syntax),
        ("$[?(@.a]", 7, .syntax),
        ("$[?count (@.*) == 1]", 8, .syntax),
        ("$[?foo(@.a)]", 3, .unknownFunction),
        ("$[?length(@.*) < 3]", 10, .notWellTyped),
        ("$[?count(1) == 1]", 9, .notWellTyped),
        ("$[?length(@.a)]", 3, .notWellTyped),
        ("$[?length(@.a, @.b) == 1]", 3, .notWellTyped),
        ("$[?match(@.a, 'x') == true]", 3, .notWellTyped),
        ("$[?@.* == 1]", 3, .notWellTyped),
        ("$[?1 == @.a || 'x']", 15, .notWellTyped),
        ("$[?!@.a == 1]", 3, .syntax),
    ])
    func refusedAt(_ query: String, _ position: Int, _ code: JSONPathError.Code) {
        guard let error = Self.error(query) else { return }
        #expect(error.position == position, "\(query): \(error)")
        #expect(error.code == code, "\(query): \(error)")
    }

    @Test func positionsCountScalarsNotBytes() {
        // ☺ is three bytes in UTF-8, 𝄞 four.
        #expect(Self.error("$.☺☺[")?.position == 5)
        #expect(Self.error("$['𝄞'] x")?.position == 7)
    }

    @Test func theDescriptionSaysWhereAndWhat() {
        #expect(Self.error("$.a[")?.description == "at 4: expected a selector and ']', and the query ends")
        #expect(Self.error("$[1 2]")?.description == "at 4: expected ',' or ']'")
        #expect(Self.error("$ ")?.description == "at 1: whitespace at the end of the query")
        #expect(Self.error("$[?@.a = 1]")?.description == "at 7: '=' compares nothing: write '=='")
        #expect(Self.error("$[?frobnicate(@)]")?.description
            == "at 3: unknown function frobnicate(); the functions are length, count, match, search and value")
        #expect(Self.error("$[?length(@.*) < 3]")?.description
            == "at 10: length() takes a value here: a singular query (one name or index per segment), a literal or a function")
    }
}
