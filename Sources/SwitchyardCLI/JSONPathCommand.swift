// `switchyard jsonpath QUERY [FILE] [--paths]`: a JSONPath query against a JSON document, for
// tenants to try their workflow maps.

import ArgumentParser
import Foundation
import Switchyard
import SwitchyardCore
import SwitchyardJSONPath

/// Evaluates an RFC 9535 JSONPath query and prints what it selects.
struct JSONPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsonpath",
        abstract: "Evaluate an RFC 9535 JSONPath query against a JSON document.",
        discussion: """
            Prints the values of the selected nodes as a JSON array on one line, or with --paths their \
            normalized paths ($['store']['book'][0]). Object members are visited sorted by name. An \
            invalid query exits 2 with the position of the mistake (from 0), a document that isn't \
            JSON exits 2 with its line and column. Documents larger than 256 MiB are refused.
            """)

    @Argument(help: "The query, such as '$.store.book[?@.price < 10].title'.")
    var query: String

    @Argument(help: "The JSON document (default, or '-': standard input).")
    var file: String?

    @Flag(help: "Print the normalized paths of the selected nodes instead of their values.")
    var paths = false

    func run() throws {
        let compiled: JSONPath
        do {
            compiled = try JSONPath(query)
        } catch {
            throw CommandFailure(message: "invalid JSONPath query: \(error)", exitCode: 2)
        }
        let document = try readDocument()
        let selected: [JSONValue] = paths ? compiled.evaluate(document).map { .string($0.path) } : compiled.values(in: document)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(selected), as: UTF8.self))
    }

    /// The most bytes of document the command reads.
    static let documentLimit = 256 * 1024 * 1024

    /// The document from `file`, or from standard input.
    private func readDocument() throws -> JSONValue {
        let path = file ?? "-"
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path, limit: Self.documentLimit)
        } catch {
            throw CommandFailure(message: "cannot read the document: \(error)", exitCode: 2)
        }
        let source = path == "-" ? "standard input" : "'\(path)'"
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw CommandFailure(message: "the document on \(source) is \(error)", exitCode: 2)
        }
    }
}
