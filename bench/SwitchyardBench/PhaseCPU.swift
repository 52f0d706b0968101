// CPU per request during an ingress-load phase: the server under test, the load generator, the
// broker, Postgres and the machine, so a server's rate can be set against what the rest of the
// machine costs per request.

import Foundation

/// CPU of the processes one request passes through, from a phase's start to its end.
struct PhaseCPU {
    private struct Sample {
        var server: Int
        var load: Int
        var broker: Int
        var postgres: Int
        var machine: (busy: Int, total: Int)
    }

    private let serverPID: Int
    private let brokers: [Int]
    private let postgres: Int?
    private let start: Sample
    private let startedAt = ContinuousClock.now

    /// Starts counting; `serverPID`'s whole process tree is the server (uvicorn's workers too).
    init(serverPID: Int) {
        self.serverPID = serverPID
        brokers = CpuMeter.rmqPidfiles.compactMap { CpuMeter.readPidfile($0) }
        postgres = CpuMeter.readPidfile(CpuMeter.pgPidfile)
        start = Self.sample(serverPID: serverPID, brokers: brokers, postgres: postgres)
    }

    private static func sample(serverPID: Int, brokers: [Int], postgres: Int?) -> Sample {
        let server = CpuMeter.jiffies(roots: [serverPID], brokers: brokers, postgres: postgres)
        let load = CpuMeter.jiffies(roots: [Int(getpid())], brokers: [], postgres: nil)
        return Sample(server: server.ours, load: load.ours, broker: server.broker, postgres: server.postgres,
                      machine: CpuMeter.machineJiffies())
    }

    /// The records' figures for `requests` answered: microseconds of CPU per request of the
    /// server, the load generator, the broker and Postgres; the machine's busy cores and its
    /// core count.
    func figures(requests: Int) -> [(metric: String, value: Double, unit: String)] {
        let end = Self.sample(serverPID: serverPID, brokers: brokers, postgres: postgres)
        let seconds = max((ContinuousClock.now - startedAt).seconds, 1e-6)
        func perRequest(_ jiffies: Int) -> Double {
            requests > 0 ? Double(jiffies) / CpuMeter.ticksPerSecond / Double(requests) * 1e6 : 0
        }
        return [
            ("cpu_server_us", perRequest(end.server - start.server), "us/req"),
            ("cpu_load_us", perRequest(end.load - start.load), "us/req"),
            ("cpu_broker_us", perRequest(end.broker - start.broker), "us/req"),
            ("cpu_postgres_us", perRequest(end.postgres - start.postgres), "us/req"),
            ("cpu_machine_cores", Double(end.machine.busy - start.machine.busy) / CpuMeter.ticksPerSecond / seconds, "cores"),
            ("cpu_cores", Double(ProcessInfo.processInfo.activeProcessorCount), "cores"),
        ]
    }
}
