import Foundation
import SwitchyardTestSupport
import Testing

/// `switchyard jsonpath`, run as the built binary: values or paths on one line, documents from a
/// file or standard input, exit 2 with one line for a bad query or a document that isn't JSON.
@Suite(.timeLimit(.minutes(1))) struct JSONPathCommandTests {
    static let document = """
        {"store": {"book": [{"title": "Sayings", "price": 8.95, "url": "https://a/b"},
                            {"title": "Sword", "price": 12.99},
                            {"title": "Moby Dick", "price": 8}],
                   "bicycle": {"color": "red", "price": 399}}}
        """

    /// A file holding `text`, removed when the test ends.
    static func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appending(path: "jsonpath-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(filePath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    @Test func printsTheSelectedValuesAsOneLineOfJSON() throws {
        let outcome = try Self.withFile(Self.document) { try SwitchyardProcess.run(["jsonpath", "$.store.book[?@.price < 10]", $0]) }
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput
            == #"[{"price":8.95,"title":"Sayings","url":"https://a/b"},{"price":8,"title":"Moby Dick"}]"# + "\n")
        #expect(outcome.standardError.isEmpty)
    }

    @Test func pathsPrintsNormalizedPathsInMemberOrder() throws {
        let outcome = try Self.withFile(Self.document) { try SwitchyardProcess.run(["jsonpath", "--paths", "$..price", $0]) }
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let expected = #"["$['store']['bicycle']['price']","$['store']['book'][0]['price']","$['store']['book'][1]['price']","#
            + #""$['store']['book'][2]['price']"]"#
        #expect(outcome.standardOutput == expected + "\n")
    }

    @Test func readsStandardInputWithoutAFileOrWithADash() throws {
        for file in ["", " -"] {
            let outcome = try SwitchyardProcess.run(
                executable: URL(filePath: "/bin/sh"),
                ["-c", "printf '[1, [2, 3], {\"a\": \"x\"}]' | \"$0\" jsonpath '$..[?@ > 1]'\(file)", SwitchyardProcess.executable.path])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardOutput == "[2,3]\n")
        }
    }

    @Test func nothingSelectedIsAnEmptyArray() throws {
        let outcome = try Self.withFile("{}") { try SwitchyardProcess.run(["jsonpath", "$.missing", $0]) }
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == "[]\n")
    }

    @Test func anInvalidQueryExits2WithThePosition() throws {
        let outcome = try Self.withFile(Self.document) { try SwitchyardProcess.run(["jsonpath", "$.store[?@.price = 1]", $0]) }
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError == "switchyard: error: invalid JSONPath query: at 17: '=' compares nothing: write '=='\n")
    }

    @Test func aDocumentThatIsNotJSONExits2WithTheLineAndColumn() throws {
        let outcome = try Self.withFile("{\"a\": 1,\n \"b\": x}") { try SwitchyardProcess.run(["jsonpath", "$.a", $0]) }
        #expect(outcome.status == 2)
        #expect(outcome.standardError.hasPrefix("switchyard: error: the document on '"))
        #expect(outcome.standardError.hasSuffix(" is not valid JSON: unexpected 'x' where a value should start (line 2, column 7)\n"))
        let missing = try SwitchyardProcess.run(["jsonpath", "$.a", "/nonexistent/document.json"])
        #expect(missing.status == 2)
        #expect(missing.standardError == "switchyard: error: cannot read the document: /nonexistent/document.json: no such file\n")
    }
}
