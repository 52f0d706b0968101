// `SwitchyardBench chaos`: the options, and each scenario's fault schedule at full length and
// in its short form (the test suite's).

import Foundation

/// What to run: one scenario, its timings, and where the tools are.
struct ChaosOptions: Sendable {
    static let usage = """
        usage: SwitchyardBench chaos --scenario NAME --bin PATH --scripts DIR [--short] [--rate N]
                                     [--workers N] [--fail-share F] [--label TEXT]
          NAME: worker-kill | node-kill | broker-restart | pg-restart | pg-failover | ingress-kill | dlx-stall
                | pg-hang | queue-stall
          --bin        the switchyard binary (workers and ingress are started from it)
          --scripts    the folder with scripts/cluster and scripts/services
          --short      the few-second version (the test suite's)
          --rate       events published per second (default 100; 40 with --short)
          --workers    worker processes (default 3)
          --fail-share the share of probes that fail once before succeeding (default 0.1)
        The broker and database come from SWITCHYARD_AMQP_URL, SWITCHYARD_DATABASE_URL and
        SWITCHYARD_RABBITMQ_MANAGEMENT_URL (scripts/chaos sets them). Prints one JSON record.
        """

    static let scenarios = [
        "worker-kill", "node-kill", "broker-restart", "pg-restart", "pg-failover", "ingress-kill", "dlx-stall",
        "pg-hang", "queue-stall",
    ]

    var scenario = ""
    var binary = ""
    var scripts = ""
    var short = false
    var rate = 0
    var workers = 3
    var failShare = 0.1
    var label = "chaos"

    static func parse(_ arguments: [String]) throws -> ChaosOptions {
        var options = ChaosOptions()
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw ChaosError("\(name) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--scenario": options.scenario = try value("--scenario")
            case "--bin": options.binary = try value("--bin")
            case "--scripts": options.scripts = try value("--scripts")
            case "--short": options.short = true
            case "--rate": options.rate = Int(try value("--rate")) ?? -1
            case "--workers": options.workers = Int(try value("--workers")) ?? -1
            case "--fail-share": options.failShare = Double(try value("--fail-share")) ?? -1
            case "--label": options.label = try value("--label")
            case let other: throw ChaosError("unknown argument \(other)")
            }
            index += 1
        }
        guard scenarios.contains(options.scenario) else {
            throw ChaosError("--scenario: expected one of \(scenarios.joined(separator: ", ")), got '\(options.scenario)'")
        }
        guard !options.binary.isEmpty, !options.scripts.isEmpty else { throw ChaosError("--bin and --scripts are required") }
        if options.rate == 0 { options.rate = options.short ? 40 : 100 }
        guard options.rate > 0, options.workers > 0, (0...1).contains(options.failShare) else {
            throw ChaosError("--rate and --workers must be positive, --fail-share within 0...1")
        }
        return options
    }

    /// How long the load runs.
    var loadDuration: Duration {
        switch scenario {
        case "worker-kill": short ? .seconds(8) : .seconds(66)
        case "node-kill": short ? .seconds(14) : .seconds(50)
        default: short ? .seconds(10) : .seconds(40)
        }
    }

    /// When the first fault comes, after the load started.
    var faultStart: Duration { short ? .seconds(2) : .seconds(5) }

    /// worker-kill: a random worker is killed this often, for ``faultSpan``.
    var killInterval: Duration {
        switch scenario {
        case "ingress-kill": short ? .seconds(2) : .seconds(5)
        default: short ? .seconds(1) : .seconds(2)
        }
    }

    /// How long periodic kills go on.
    var faultSpan: Duration {
        switch scenario {
        case "worker-kill": short ? .seconds(5) : .seconds(60)
        default: short ? .seconds(6) : .seconds(30)
        }
    }

    /// node-kill: how long the killed node stays down.
    var nodeDowntime: Duration { short ? .seconds(6) : .seconds(20) }

    /// pg-hang and queue-stall: how long the database or the work queue answers nothing.
    var stallSeconds: Int { short ? 5 : 20 }

    /// How long, after the load, every confirmed event may take to land.
    var drainTimeout: Duration { .seconds(180) }
}

/// A failure of the chaos run itself (not of the system under test).
struct ChaosError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
