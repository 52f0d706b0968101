// The `switchyard` executable: one root command whose subcommands are thin over library code.

import ArgumentParser
import Foundation
import Switchyard
import SwitchyardCore

/// `switchyard`: the one executable every Switchyard process runs.
@main
struct SwitchyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "A worker fleet for AI pipelines on RabbitMQ and PostgreSQL.",
        discussion: """
            Configuration comes from SWITCHYARD_* environment variables: SWITCHYARD_AMQP_URL, \
            SWITCHYARD_DATABASE_URL, SWITCHYARD_RABBITMQ_MANAGEMENT_URL, SWITCHYARD_TOPOLOGY_FILE, \
            SWITCHYARD_MIGRATIONS_DIR.
            """,
        subcommands: [
            MigrateCommand.self, TopologyCommand.self, WorkCommand.self, RelayCommand.self, PublishCommand.self,
            IngressCommand.self, TenantsCommand.self, KeysCommand.self, UsersCommand.self, DeadLetterCommand.self, QueuesCommand.self,
            PruneCommand.self, JSONPathCommand.self, WorkflowsCommand.self, OperatorsCommand.self, ConsoleCommand.self,
        ]
    )

    /// Runs the command line. Usage and configuration errors exit 2 with one line saying what to
    /// fix; failures at run time (broker down, migration failed) exit 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigurationError {
            fail(error.description, exitCode: 2)
        } catch let error as CommandFailure {
            fail(error.message, exitCode: error.exitCode)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                fail("\(message(for: error)) (see `switchyard --help`)", exitCode: 2)
            } else if code == .success {
                exit(withError: error)
            } else {
                fail(String(describing: error), exitCode: 1)
            }
        }
    }

    /// The most characters of an error line, its `switchyard: error: ` included; a message
    /// quoting a huge value is cut to fit.
    static let errorLineLimit = 1_000

    /// What every error line starts with.
    static let errorPrefix = "switchyard: error: "

    /// Prints the message as one line and exits: libraries' messages may span several, and a
    /// message may quote what it refused (a variable's value, a file's name) with control
    /// characters in it, which are written out, or at any length, which is cut.
    private static func fail(_ message: String, exitCode: Int32) -> Never {
        printError(message)
        Foundation.exit(exitCode)
    }

    /// Writes `message` to standard error as one error line (``errorLine(_:)``).
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("\(errorPrefix)\(errorLine(message))\n".utf8))
    }

    /// `message` as one printable line that fits ``errorLineLimit`` after ``errorPrefix``.
    static func errorLine(_ message: String) -> String {
        let line = message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
            .terminalSafe()
        let room = errorLineLimit - errorPrefix.count
        guard line.count > room else { return line }
        let note = "... (\(line.count) characters in all)"
        return line.prefix(room - note.count) + note
    }
}

/// A subcommand's failure: its one-line message and exit status.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 1
}
