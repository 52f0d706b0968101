import SwitchyardCore
import SwitchyardRuntime
import Testing

/// Retention windows from the environment: durations, defaults, minimums, errors that name
/// the variable.
@Suite struct RetentionPolicyTests {
    @Test func durationsAreAWholeNumberAndAUnit() {
        #expect(RetentionPolicy.duration("7d") == .seconds(604_800))
        #expect(RetentionPolicy.duration("12h") == .seconds(43_200))
        #expect(RetentionPolicy.duration("30m") == .seconds(1_800))
        #expect(RetentionPolicy.duration("3600s") == .seconds(3_600))
        for bad in ["", "7", "d", "7 d", " 7d", "7D", "1.5h", "-1h", "1w", "7days", "1234567890123d"] {
            #expect(RetentionPolicy.duration(bad) == nil, "\(bad)")
        }
        #expect(RetentionPolicy.format(.seconds(604_800)) == "7d")
        #expect(RetentionPolicy.format(.seconds(5_400)) == "90m")
        #expect(RetentionPolicy.format(.seconds(61)) == "61s")
    }

    @Test func defaultsKeepTheGuardsAWeekResultsAMonthLogsLongerAndRunHourly() throws {
        let policy = try RetentionPolicy(environment: [:])
        let days: [RetentionPolicy.Table: Int64] = [
            .outbox: 7, .inbox: 7, .webhookReceipts: 7, .idempotencyKeys: 7, .automationExecutions: 30, .jobs: 30,
            .liveUpdates: 1, .apiUsage: 90, .deadLetters: 30, .operatorActions: 365, .probeResults: 7,
        ]
        #expect(Set(days.keys) == Set(RetentionPolicy.Table.allCases))
        for (table, days) in days {
            #expect(policy.window(table) == .seconds(days * 86_400), "\(table)")
        }
        #expect(policy.interval == .seconds(3_600))
    }

    @Test func neverKeepsATableWholeButIsNoInterval() throws {
        let policy = try RetentionPolicy(environment: ["SWITCHYARD_RETENTION_JOBS": "never", "SWITCHYARD_RETENTION_API_USAGE": "never"])
        #expect(policy.window(.jobs) == nil && policy.window(.apiUsage) == nil)
        #expect(policy.window(.automationExecutions) == .seconds(30 * 86_400), "the other tables keep their windows")
        #expect(RetentionPolicy.format(nil) == "never")
        #expect {
            try RetentionPolicy(environment: ["SWITCHYARD_RETENTION_INTERVAL": "never"])
        } throws: { error in
            (error as? ConfigurationError)?.problem == "expected a duration like 7d, 12h, 30m or 3600s, got 'never'"
        }
    }

    @Test func eachVariableSetsItsOwnWindow() throws {
        let policy = try RetentionPolicy(environment: [
            "SWITCHYARD_RETENTION_OUTBOX": "2d", "SWITCHYARD_RETENTION_INBOX": "1h", "SWITCHYARD_RETENTION_RECEIPTS": "36h",
            "SWITCHYARD_RETENTION_IDEMPOTENCY_KEYS": "90m", "SWITCHYARD_RETENTION_LIVE_UPDATES": "7200s",
            "SWITCHYARD_RETENTION_EXECUTIONS": "3d", "SWITCHYARD_RETENTION_JOBS": "8d", "SWITCHYARD_RETENTION_API_USAGE": "5d",
            "SWITCHYARD_RETENTION_DEAD_LETTERS": "6d", "SWITCHYARD_RETENTION_OPERATOR_ACTIONS": "2h", "SWITCHYARD_RETENTION_PROBE_RESULTS": "3h",
            "SWITCHYARD_RETENTION_INTERVAL": "5s",
        ])
        #expect(policy.window(.outbox) == .seconds(172_800))
        #expect(policy.window(.inbox) == .seconds(3_600))
        #expect(policy.window(.webhookReceipts) == .seconds(129_600))
        #expect(policy.window(.idempotencyKeys) == .seconds(5_400))
        #expect(policy.window(.liveUpdates) == .seconds(7_200))
        #expect(policy.window(.automationExecutions) == .seconds(3 * 86_400))
        #expect(policy.window(.jobs) == .seconds(8 * 86_400))
        #expect(policy.window(.apiUsage) == .seconds(5 * 86_400))
        #expect(policy.window(.deadLetters) == .seconds(6 * 86_400))
        #expect(policy.window(.operatorActions) == .seconds(7_200))
        #expect(policy.window(.probeResults) == .seconds(10_800))
        #expect(policy.interval == .seconds(5))
    }

    @Test func badOrTooShortValuesNameTheVariable() {
        for (variable, value, problem) in [
            ("SWITCHYARD_RETENTION_INBOX", "59m", "59m is shorter than 1h: inbox rows are the exactly-once guard"),
            ("SWITCHYARD_RETENTION_RECEIPTS", "10m", "10m is shorter than 1h: webhook receipts must outlive"),
            ("SWITCHYARD_RETENTION_OUTBOX", "seven days", "expected a duration like 7d, 12h, 30m or 3600s, or never, got 'seven days'"),
            ("SWITCHYARD_RETENTION_JOBS", "Never", "expected a duration like 7d, 12h, 30m or 3600s, or never, got 'Never'"),
            ("SWITCHYARD_RETENTION_DEAD_LETTERS", "30m", "30m is shorter than 1h"),
            ("SWITCHYARD_RETENTION_JOBS", "6d", "6d is shorter than 7d: a step can be scheduled up to 7 days out"),
            ("SWITCHYARD_RETENTION_LIVE_UPDATES", "0s", "0s is shorter than 1h"),
            ("SWITCHYARD_RETENTION_INTERVAL", "0m", "0m is shorter than 1s"),
        ] {
            #expect {
                try RetentionPolicy(environment: [variable: value])
            } throws: { error in
                guard let error = error as? ConfigurationError else { return false }
                return error.variable == variable && error.problem.hasPrefix(problem)
            }
        }
    }
}
