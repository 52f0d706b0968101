// `switchyard operators create NAME | revoke NAME | list`: the people who may sign in to the
// operator console.

import ArgumentParser
import Foundation
import SwitchyardConsole
import SwitchyardPostgres

/// Operators: who may use the console (tenants' API keys never open it).
struct OperatorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operators", abstract: "Manage the operators who may sign in to the console.",
        subcommands: [Create.self, Revoke.self, List.self])

    /// A name: 1-63 letters, digits, `.`, `_`, `-` or `@`.
    struct Name: ParsableArguments {
        @Argument(help: "The operator's name (letters, digits, '.', '_', '-', '@').")
        var name: String

        func validate() throws {
            guard name.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._@-]{0,62}/) != nil else {
                throw ValidationError("NAME: expected 1-63 letters, digits, '.', '_', '-' or '@' starting with a letter or digit, got '\(name)'")
            }
        }
    }

    /// `operators create NAME`: prints the new operator's token, once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an operator and print its console token (shown once; only its hash is stored).")

        @OptionGroup var operatorName: Name

        func run() async throws {
            let name = operatorName.name
            guard let token = try await withDatabase({ connection in try Operators.create(name: name, on: connection) }) else {
                throw CommandFailure(message: "an operator named '\(name)' already exists", exitCode: 2)
            }
            print(token)
        }
    }

    /// `operators revoke NAME`: the token stops working and the operator's sessions end.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an operator's token and end its console sessions.")

        @OptionGroup var operatorName: Name

        func run() async throws {
            let name = operatorName.name
            guard try await withDatabase({ connection in try Operators.revoke(name: name, on: connection) }) else {
                throw CommandFailure(message: "no active operator named '\(name)'", exitCode: 2)
            }
            print("revoked \(name)")
        }
    }

    /// `operators list`: names, token prefixes, when created and revoked.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operators.")

        @Flag(help: "JSON instead of a table.")
        var json = false

        func run() async throws {
            let operators = try await withDatabase { connection in try Operators.list(on: connection) }
            if json {
                try printJSON(["operators": operators])
                return
            }
            printTable([["NAME", "TOKEN", "CREATED", "REVOKED"]]
                + operators.map { [$0.name, $0.prefix + "…", $0.createdAt, $0.revokedAt ?? "-"] })
        }
    }
}
