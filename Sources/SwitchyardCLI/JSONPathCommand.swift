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
            JSON exits 2 with its line and column. Documents larger than 256 MiB are refused. The \
            evaluation stops at --max-work units of work (a node looked at, or a string's scalars \
            times a pattern's size), by default the workflow engine's limit, and once a nodelist \
            holds more than a tenth of that in nodes (at least a million, the engine's limit), so a \
            query that passes here runs in a workflow's maps too.
            """)

    @Argument(help: "The query, such as '$.store.book[?@.price < 10].title'.")
    var query: String

    @Argument(help: "The JSON document (default, or '-': standard input).")
    var file: String?

    @Flag(help: "Print the normalized paths of the selected nodes instead of their values.")
    var paths = false

    @Option(help: "The most units of work the evaluation may do.")
    var maxWork = JSONPath.defaultWorkLimit

    func validate() throws {
        guard maxWork > 0 else { throw ValidationError("--max-work: expected a positive number, got \(maxWork)") }
    }

    func run() throws {
        let compiled: JSONPath
        do {
            compiled = try JSONPath(query)
        } catch {
            throw CommandFailure(message: "invalid JSONPath query: \(error)", exitCode: 2)
        }
        let document = try readDocument()
        let selected: [JSONValue]
        do {
            selected = paths
                ? try compiled.evaluate(document, workLimit: maxWork).map { .string($0.path) }
                : try compiled.values(in: document, workLimit: maxWork)
        } catch where error.code == .nodeLimitExceeded {
            throw CommandFailure(message: "\(error.message) (the workflow engine's limit is \(JSONPath.defaultNodeLimit)); --max-work above \(JSONPath.defaultNodeLimit * 10) raises it", exitCode: 2)
        } catch {
            throw CommandFailure(
                message: "the query needs more than \(maxWork) units of work on this document (the workflow engine's limit is \(JSONPath.defaultWorkLimit)); --max-work raises it",
                exitCode: 2)
        }
        var text = JSONValue.array(selected).sortedJSONBytes
        text.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(Data(text))
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
