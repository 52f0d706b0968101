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

    /// Found by fuzzing: a document as deep as the reader allows was read but not printed (exit 1
    /// from the encoder), and queries whose nodelists or walks explode ran for minutes and took
    /// the machine's memory (19 GB, then an abort).
    @Test func theDeepestDocumentPrintsAndExplodingQueriesStopAtTheEnginesLimits() throws {
        let deep = String(repeating: "[", count: 511) + String(repeating: "]", count: 511)
        let printed = try Self.withFile(deep) { try SwitchyardProcess.run(["jsonpath", "$", $0]) }
        #expect(printed.status == 0, "\(printed.standardError.prefix(300))")
        #expect(printed.standardOutput == "[" + deep + "]\n")

        let nested = String(repeating: "[", count: 8) + "0" + String(repeating: "]", count: 8)
        let product = "$" + String(repeating: "[" + Array(repeating: "*", count: 10).joined(separator: ",") + "]", count: 7)
        // 3,200 filters, each counting 3,200 members: 10.24 million units of work.
        let wide = "[" + (0..<3_200).map(String.init).joined(separator: ",") + "]"
        for (query, document, message) in [
            (product, nested, "selects more than 1000000 nodes at once on this document (the workflow engine's limit is 1000000); --max-work above 10000000 raises it"),
            ("$[?count($.*) > 0]", wide, "the query needs more than 10000000 units of work on this document (the workflow engine's limit is 10000000); --max-work raises it"),
        ] {
            let outcome = try Self.withFile(document) { try SwitchyardProcess.run(["jsonpath", query, $0]) }
            #expect(outcome.status == 2 && outcome.standardOutput.isEmpty, "\(query)")
            #expect(outcome.standardError.hasSuffix(message + "\n"), "\(outcome.standardError)")
        }
        let raised = try Self.withFile(wide) { try SwitchyardProcess.run(["jsonpath", "--max-work", "11000000", "$[?count($.*) > 3199]", $0]) }
        #expect(raised.status == 0 && raised.standardOutput.utf8.count == wide.utf8.count + 1, "\(raised.standardError)")
        let zero = try SwitchyardProcess.run(["jsonpath", "--max-work", "0", "$", "-"])
        #expect(zero.status == 2 && zero.standardError.contains("--max-work: expected a positive number, got 0"), "\(zero.standardError)")
    }
}
