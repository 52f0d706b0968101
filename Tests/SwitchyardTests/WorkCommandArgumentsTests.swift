// `switchyard work`'s own arguments, refused before it connects to anything.

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
}
