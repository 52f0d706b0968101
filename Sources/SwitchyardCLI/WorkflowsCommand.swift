// `switchyard workflows validate FILE`: checks a workflow definition offline, for tenants' CI.

import ArgumentParser
import Switchyard
import SwitchyardCore
import SwitchyardWorkflows

/// `switchyard workflows ...`: tools for workflow definitions.
struct WorkflowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows",
        abstract: "Tools for workflow definitions.",
        subcommands: [ValidateWorkflowCommand.self])
}

/// Validates a definition as `PUT /v1/workflows/{id}` would, without a server.
struct ValidateWorkflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a workflow definition offline: exit 0, or 2 with one line per problem.",
        discussion: """
            FILE holds a definition ({"start_step", "steps", "output_map"?}) or a PUT body \
            ({"name", "definition"}); '-' reads standard input. Problems are named by JSON \
            Pointer, as the API names them. Steps may use the built-in transformer types; name \
            your configured transformers with --transformer.
            """)

    @Argument(help: "The definition's JSON file, or - for standard input.")
    var file: String

    @Option(name: .customLong("transformer"), help: "The id of one of your configured transformers (repeatable).")
    var transformers: [String] = []

    /// The most bytes of definition the command reads: the largest body the API can be set to take.
    static let definitionLimit = 64 * 1024 * 1024

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(file, limit: Self.definitionLimit)
        } catch {
            throw CommandFailure(message: "cannot read the definition: \(error)", exitCode: 2)
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            throw CommandFailure(message: "\(file) is not JSON: \(error)", exitCode: 2)
        }
        let (definition, pointer) = json["definition"].map { ($0, JSONPointer.root.appending("definition")) } ?? (json, .root)
        let known = Set(transformers)
        let validator = WorkflowValidator { TransformerType(rawValue: $0) != nil || known.contains($0) }
        switch validator.validate(definition, at: pointer) {
        case .success(let workflow):
            print("\(file): valid, \(workflow.steps.count) step\(workflow.steps.count == 1 ? "" : "s") from '\(workflow.startStep)'")
        case .failure(let problems):
            // A problem quotes names and values from the file: each is one printable, bounded line.
            for problem in problems { SwitchyardCommand.printError("\(problem.pointer): \(problem.message)") }
            throw ExitCode(2)
        }
    }
}
