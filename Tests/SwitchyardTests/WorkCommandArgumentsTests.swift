// `switchyard work`'s own arguments and its roles' variables, refused at start.

import SwitchyardTestSupport
import Testing

/// Bad roles and numbers exit 2 with one line naming the option; none reaches the runtime, where
/// a grace period of 1e308 seconds trapped converting to a `Duration`.
@Suite(.timeLimit(.minutes(1))) struct WorkCommandArgumentsTests {
    @Test(arguments: [
        (["nope"], "unknown role 'nope'"),
        (["probe", "--prefetch", "0"], "--prefetch must be 1...65535, got 0"),
        (["probe", "--grace-period", "0"], "--grace-period: expected seconds in 0.001...86400, got 0.0"),
        (["probe", "--grace-period=-1"], "--grace-period: expected seconds in 0.001...86400, got -1.0"),
        (["probe", "--grace-period", "nan"], "--grace-period: expected seconds in 0.001...86400, got nan"),
        (["probe", "--grace-period", "inf"], "--grace-period: expected seconds in 0.001...86400, got inf"),
        (["probe", "--grace-period", "1e308"], "--grace-period: expected seconds in 0.001...86400, got 1e+308"),
        (["probe", "--grace-period", "99999999999999999999999"], "--grace-period: expected seconds in 0.001...86400, got 1e+23"),
    ])
    func aBadArgumentExitsTwoWithOneLineNamingIt(arguments: [String], expected: String) throws {
        let outcome = try SwitchyardProcess.run(["work"] + arguments)
        #expect(outcome.status == 2, "\(outcome.standardError.prefix(300))")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError.prefix(300))")
        #expect(outcome.standardError.contains(expected), "\(outcome.standardError)")
    }

    /// A role's variable that doesn't fit stops the worker at start with one line naming it,
    /// not when the setting is first needed (a crash request, a stalled dead-letter queue).
    @Test(arguments: [
        ("probe", "SWITCHYARD_PROBE_ALLOW_CRASH", "yes", "SWITCHYARD_PROBE_ALLOW_CRASH: expected 0 or 1, got 'yes'"),
        ("dead-letters", "SWITCHYARD_RABBITMQ_QUEUES_COMMAND", "/nonexistent/rabbitmq-queues --node x",
         "SWITCHYARD_RABBITMQ_QUEUES_COMMAND: expected a command line whose first word is an executable file"),
        ("dead-letters", "SWITCHYARD_RABBITMQ_QUEUES_COMMAND", "no-such-rabbitmq-queues", "got 'no-such-rabbitmq-queues'"),
    ])
    func aBadRoleVariableExitsTwoWithOneLineNamingIt(role: String, variable: String, value: String, expected: String) throws {
        let outcome = try SwitchyardProcess.run(["work", role], environment: [variable: value])
        #expect(outcome.status == 2, "\(outcome.standardError.prefix(300))")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError.prefix(300))")
        #expect(outcome.standardError.contains(expected), "\(outcome.standardError)")
    }
}
