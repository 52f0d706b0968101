// `SwitchyardBench json-bodies`: nanoseconds to decode one `probe.run` body (the pipeline
// benchmark's message) into the probe role's struct, through Foundation's JSONDecoder and through
// SwitchyardCore's JSONValueDecoder, and to read it into a JSONValue alone; each median of
// --rounds timed rounds of --iterations decodes, after one round discarded (warm-up).

import Foundation
import SwitchyardCore
import SwitchyardDiagnostics

enum JSONBodiesBench {
    static let usage = "usage: SwitchyardBench json-bodies [--iterations 200000] [--rounds 5]"

    typealias ProbeRun = ProbeRole.Request

    /// A body as the pipeline benchmark publishes it.
    static let body = Array(#"{"v":1,"id":"2000123","transient_failures":0,"permanent":false,"sleep_ms":0}"#.utf8)

    static func run(_ arguments: [String]) throws {
        var iterations = 200_000, rounds = 5
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let text = rest.popFirst(), let value = Int(text), value > 0 else {
                throw JSONPathBench.Invalid(description: "\(option) needs a positive integer")
            }
            switch option {
            case "--iterations": iterations = value
            case "--rounds": rounds = value
            default: throw JSONPathBench.Invalid(description: "unknown option \(option)")
            }
        }
        let ways: [(String, () throws -> Int)] = [
            ("foundation_jsondecoder_ns", { try JSONDecoder().decode(ProbeRun.self, from: Data(body)).id.utf8.count }),
            ("jsonvaluedecoder_ns", { try JSONValueDecoder().decode(ProbeRun.self, from: body).id.utf8.count }),
            ("jsonvalue_reader_ns", { try JSONValue(parsing: body)["id"]?.string?.utf8.count ?? 0 }),
        ]
        for (metric, decode) in ways {
            var medians: [Double] = []
            for round in 0...rounds {
                var checksum = 0
                let started = ContinuousClock.now
                for _ in 0..<iterations { checksum &+= try decode() }
                let took = ContinuousClock.now - started
                precondition(checksum == iterations * 7, "a decode returned the wrong id")
                if round > 0 { medians.append(Double(took.nanoseconds) / Double(iterations)) }
            }
            medians.sort()
            let median = medians[medians.count / 2]
            print(#"{"metric": "\#(metric)", "value": \#((median * 10).rounded() / 10), "unit": "ns", "rounds": \#(medians.map { ($0 * 10).rounded() / 10 })}"#)
        }
    }
}
